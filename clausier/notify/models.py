"""The outbox: every outgoing message is a row before it is sent."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from clausier.core.fields import EncryptedTextField


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("en file")
    SENDING = "sending", _("en cours d'envoi")
    SENT = "sent", _("envoyé")
    RETRYING = "retrying", _("nouvel essai prévu")
    FAILED = "failed", _("échec")


class OutboxManager(models.Manager["OutboxMessage"]):
    def get_queryset(self) -> models.QuerySet[OutboxMessage]:
        # The encrypted secrets are decrypted only when the worker asks for them: listing
        # the outbox (back-office, API) never touches them, nor fails on an old key.
        return super().get_queryset().defer("sealed_secrets")


class OutboxMessage(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outbox",
        verbose_name=_("prestataire"),
    )
    # A retried action finds its row by this key and never sends twice.
    idempotency_key = models.CharField(_("clé d'idempotence"), max_length=200, unique=True)
    template = models.CharField(_("modèle"), max_length=64)
    language = models.CharField(_("langue"), max_length=2)
    from_email = models.CharField(_("expéditeur"), max_length=254)
    to_email = models.EmailField(_("destinataire"))
    reply_to = models.EmailField(_("répondre à"), blank=True)
    subject = models.CharField(pgettext_lazy("e-mail", "objet"), max_length=250)
    # Rendered with a placeholder where a secret goes (see `sealed_secrets`).
    body = models.TextField(_("corps"))
    # Security messages (an activation link): the body is hidden from the back-office.
    sensitive = models.BooleanField(_("message de sécurité"), default=False)
    # JSON {placeholder: secret}, encrypted, only until the message is sent.
    sealed_secrets = EncryptedTextField(_("secrets chiffrés"), blank=True, editable=False)
    message_id = models.CharField(_("Message-ID"), max_length=250, unique=True)
    # RFC 3834: automatic messages say so, so that auto-responders stay quiet.
    auto_submitted = models.BooleanField(_("envoi automatique"), default=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.QUEUED
    )
    attempts = models.PositiveIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochain essai"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    objects = OutboxManager()

    class Meta:
        verbose_name = _("message sortant")
        verbose_name_plural = _("messages sortants")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due")]

    def __str__(self) -> str:
        return f"{self.to_email}: {self.subject}"


class OutboxAttachment(models.Model):
    """A file sent with a message (an iCalendar invitation), stored with its row so that a
    retry sends the very same bytes."""

    message = models.ForeignKey(
        OutboxMessage,
        on_delete=models.CASCADE,
        related_name="attachments",
        verbose_name=_("message"),
    )
    filename = models.CharField(_("nom du fichier"), max_length=200)
    # The full MIME type with its parameters ("text/calendar; method=REQUEST").
    content_type = models.CharField(_("type"), max_length=200)
    content = models.BinaryField(_("contenu"))

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["message", "id"]

    def __str__(self) -> str:
        return self.filename


class NoticePreference(models.Model):
    """A person's choice for one kind of notice (`clausier.notify.preferences`).

    Only departures from the default are stored: a row with `enabled=False` is an
    opt-out. Mandatory legal notices ignore any row (they are always sent)."""

    person = models.ForeignKey(
        "accounts.Person",
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        verbose_name=_("personne"),
    )
    kind = models.CharField(_("type de notification"), max_length=64)
    enabled = models.BooleanField(_("reçue"), default=True)
    updated_at = models.DateTimeField(_("modifiée le"), default=timezone.now)

    class Meta:
        verbose_name = _("préférence de notification")
        verbose_name_plural = _("préférences de notification")
        ordering = ["person", "kind"]
        constraints = [
            models.UniqueConstraint("person", "kind", name="notice_preference_once_per_kind")
        ]

    def __str__(self) -> str:
        return f"{self.person_id}: {self.kind}={self.enabled}"
