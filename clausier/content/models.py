"""Content and discussion spaces (coaching contract art. 6.1: "espaces de discussion, chat,
manuels, blended learning, vidéos, replays, projet défis, manuels de contenus, outils").

Who reaches an item or a space is said by *audiences*: strings such as `plan:12` (clients
with an active subscription to plan 12) or `subscription:7` (the team of subscription 7).
`content.audiences` resolves them; apps above (training) register their own kinds
(`training.cohort:3`), so access by training needs no change here.
"""

from __future__ import annotations

import uuid
from typing import Any, cast

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.core.signals import setting_changed
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from django.utils.functional import LazyObject, empty
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Language


class _ContentStorage(LazyObject):
    """`STORAGES["content"]`, looked up on first use and again when settings change."""

    def _setup(self) -> None:
        self._wrapped = storages["content"]


content_files = _ContentStorage()


@receiver(setting_changed)
def _storages_changed(*, setting: str, **kwargs: Any) -> None:
    if setting == "STORAGES":
        content_files._wrapped = empty  # type: ignore[assignment]  # LazyObject reset


def content_storage() -> Storage:
    """The storage configured as `STORAGES["content"]` (file system or S3-compatible)."""
    return cast(Storage, content_files)


def upload_path(instance: Upload, filename: str) -> str:
    # A random name: the original one is user input and only shown, never used as a path.
    return f"p{instance.provider_id}/{uuid.uuid4().hex}"


class Upload(models.Model):
    """A validated file (content.uploads): type detected from its bytes, images re-encoded."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    file = models.FileField(_("fichier"), storage=content_storage, upload_to=upload_path)
    content_type = models.CharField(_("type"), max_length=64)
    size = models.PositiveBigIntegerField(_("taille (octets)"))
    sha256 = models.CharField(max_length=64)
    filename = models.CharField(_("nom de fichier"), max_length=120)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("déposé le"), default=timezone.now)

    class Meta:
        verbose_name = _("fichier déposé")
        verbose_name_plural = _("fichiers déposés")

    def __str__(self) -> str:
        return self.filename

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")


class ItemKind(models.TextChoices):
    MANUAL = "manual", _("manuel")
    DOCUMENT = "document", _("document")
    VIDEO = "video", _("vidéo")
    REPLAY = "replay", _("replay")
    TOOL = "tool", _("outil")


class LibraryItem(models.Model):
    """One entry of a provider's library: a file it holds or a link (video host, tool)."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="library_items",
        verbose_name=_("prestataire"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=ItemKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    language = models.CharField(_("langue"), max_length=2, choices=Language.choices)
    upload = models.ForeignKey(
        Upload,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_items",
        verbose_name=_("fichier"),
    )
    url = models.URLField(_("lien"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("contenu de la bibliothèque")
        verbose_name_plural = _("bibliothèque")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(upload__isnull=False, url="")
                    | models.Q(upload__isnull=True) & ~models.Q(url="")
                ),
                name="library_item_file_or_link",
            )
        ]

    def __str__(self) -> str:
        return self.title


class AccessGrant(models.Model):
    """Who may read a library item: one audience (`plan:12`, `training.cohort:3`, ...)."""

    item = models.ForeignKey(LibraryItem, on_delete=models.CASCADE, related_name="grants")
    audience = models.CharField(_("public"), max_length=64, db_index=True)
    # The app that registered the grant ("content" for plans, "training" for its own).
    granted_by_app = models.CharField(max_length=32, default="content")

    class Meta:
        verbose_name = _("accès")
        verbose_name_plural = _("accès")
        constraints = [
            models.UniqueConstraint(fields=["item", "audience"], name="access_grant_unique")
        ]

    def __str__(self) -> str:
        return self.audience


class SpaceKind(models.TextChoices):
    TEAM = "team", _("équipe d'un abonnement")
    COHORT = "cohort", _("promotion")
    SESSION = "session", _("séance")


class Space(models.Model):
    """A discussion space: a subscription's team, a cohort, later a coaching session.

    `audience` names who takes part (`subscription:7`; `training.cohort:3`;
    `coaching.session:5` once coaching has sessions, see docs/content.md).
    """

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="spaces",
        verbose_name=_("prestataire"),
    )
    kind = models.CharField(_("type"), max_length=16, choices=SpaceKind.choices)
    title = models.CharField(_("titre"), max_length=200)
    subscription = models.ForeignKey(
        "billing.Subscription",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="spaces",
        verbose_name=_("abonnement"),
    )
    audience = models.CharField(_("participants"), max_length=64, db_index=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("espace de discussion")
        verbose_name_plural = _("espaces de discussion")
        ordering = ["title", "pk"]

    def __str__(self) -> str:
        return self.title


class PostKind(models.TextChoices):
    THREAD = "thread", _("discussion")
    CHAT = "chat", _("chat")


class Post(models.Model):
    """A post of a space: a thread's opening post or reply, or a short chat line."""

    space = models.ForeignKey(Space, on_delete=models.CASCADE, related_name="posts")
    kind = models.CharField(_("type"), max_length=8, choices=PostKind.choices)
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("auteur"),
    )
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("publié le"), db_index=True)
    edited_at = models.DateTimeField(_("modifié le"), null=True, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("motif"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class NotifyMode(models.TextChoices):
    IMMEDIATE = "immediate", _("à chaque message")
    DIGEST = "digest", _("résumé quotidien")
    OFF = "off", _("aucune")


class NotificationSetting(models.Model):
    """How one person hears of new posts; the digest's watermark."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="content_notifications"
    )
    mode = models.CharField(
        _("notifications"), max_length=16, choices=NotifyMode.choices, default=NotifyMode.DIGEST
    )
    digest_sent_until = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")

    def __str__(self) -> str:
        return f"{self.person}: {self.mode}"


class Challenge(models.Model):
    """A "projet défi" (art. 6.1): a task set by a coach for a subscription's collaborators."""

    provider = models.ForeignKey(
        "accounts.Provider", on_delete=models.PROTECT, related_name="challenges"
    )
    subscription = models.ForeignKey(
        "billing.Subscription",
        on_delete=models.PROTECT,
        related_name="challenges",
        verbose_name=_("abonnement"),
    )
    title = models.CharField(_("titre"), max_length=200)
    instructions = models.TextField(_("consignes"))
    due_on = models.DateField(_("à rendre le"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("créé le"))

    class Meta:
        verbose_name = _("défi")
        verbose_name_plural = _("défis")
        ordering = ["due_on", "pk"]

    def __str__(self) -> str:
        return self.title


class Submission(models.Model):
    """A collaborator's answer to a challenge, and the coach's feedback."""

    challenge = models.ForeignKey(Challenge, on_delete=models.CASCADE, related_name="submissions")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("réponse"))
    upload = models.ForeignKey(
        Upload, on_delete=models.PROTECT, null=True, blank=True, related_name="submissions"
    )
    submitted_at = models.DateTimeField(_("rendu le"))
    late = models.BooleanField(_("en retard"), default=False)
    feedback = models.TextField(_("retour du coach"), blank=True)
    feedback_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    feedback_at = models.DateTimeField(_("retour le"), null=True, blank=True)

    class Meta:
        verbose_name = _("rendu")
        verbose_name_plural = _("rendus")
        ordering = ["submitted_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["challenge", "author"], name="submission_one_per_author"
            )
        ]

    def __str__(self) -> str:
        return f"{self.challenge}: {self.author}"


def audience_key(kind: str, pk: Any) -> str:
    return f"{kind}:{pk}"
