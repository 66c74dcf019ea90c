"""Published terms of sale (CGV versions) and their acceptance by client organisations.

A version is a draft until published; once published its texts and pack are frozen, so
that what a client accepted is exactly what applies to it (coaching contract art. 11).
The French text is authoritative (coaching contract art. 38).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import ServiceLine

FROZEN_FIELDS = (
    "service_line",
    "version",
    "pack_version",
    "pack_digest",
    "text_fr",
    "text_de",
    "text_en",
)


class FrozenTermsError(Exception):
    """A published version cannot change: publish a new one."""


class TermsVersion(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="terms_versions",
        verbose_name=_("prestataire"),
    )
    service_line = models.CharField(_("métier"), max_length=32, choices=ServiceLine.choices)
    version = models.CharField(_("version"), max_length=32)
    pack_version = models.CharField(_("version du pack de règles"), max_length=16)
    pack_digest = models.CharField(_("empreinte du pack"), max_length=64, editable=False)
    text_fr = models.TextField(_("texte (français, fait foi)"))
    text_de = models.TextField(_("texte (allemand)"), blank=True)
    text_en = models.TextField(_("texte (anglais)"), blank=True)
    created_at = models.DateTimeField(_("créée le"), default=timezone.now)
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True)
    effective_at = models.DateTimeField(_("entrée en vigueur"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("publiée par"),
    )

    class Meta:
        verbose_name = _("version des CGV")
        verbose_name_plural = _("versions des CGV")
        ordering = ["provider", "service_line", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "service_line", "version"], name="terms_unique_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.provider} — CGV {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            stored = (
                TermsVersion.objects.filter(pk=self.pk)
                .values(*FROZEN_FIELDS, "published_at")
                .first()
            )
            if stored and stored["published_at"] is not None:
                changed = [name for name in FROZEN_FIELDS if stored[name] != getattr(self, name)]
                if changed:
                    raise FrozenTermsError(f"published terms cannot change ({', '.join(changed)})")
        super().save(*args, **kwargs)

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def text_in(self, language: str) -> tuple[str, str]:
        """The text to show in `language`, and the language actually shown (French fallback)."""
        translated = {"de": self.text_de, "en": self.text_en}.get(language, "")
        if translated.strip():
            return translated, language
        return self.text_fr, "fr"

    @staticmethod
    def digest(text: str) -> str:
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Acceptance(models.Model):
    """A client's acceptance by "double clic positif" (coaching contract art. 2)."""

    terms = models.ForeignKey(
        TermsVersion, on_delete=models.PROTECT, related_name="acceptances", verbose_name=_("CGV")
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="acceptances",
        verbose_name=_("organisation cliente"),
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("accepté par"),
    )
    reviewed_at = models.DateTimeField(_("premier clic (validation)"))
    accepted_at = models.DateTimeField(_("second clic (confirmation)"), default=timezone.now)
    language = models.CharField(_("langue affichée"), max_length=2)
    text_digest = models.CharField(_("empreinte du texte affiché"), max_length=64)
    pack_version = models.CharField(_("version du pack de règles"), max_length=16)
    pack_digest = models.CharField(_("empreinte du pack"), max_length=64)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    class Meta:
        verbose_name = _("acceptation des CGV")
        verbose_name_plural = _("acceptations des CGV")
        ordering = ["-accepted_at"]
        constraints = [
            models.UniqueConstraint(fields=["terms", "client"], name="acceptance_once_per_client")
        ]

    def __str__(self) -> str:
        return f"{self.client} — {self.terms.version} — {self.accepted_at:%Y-%m-%d %H:%M}"


class StaffEntry(models.Model):
    """A reference value a provider's staff enter for the rules to read, with who and when."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("saisi par"),
    )
    entered_at = models.DateTimeField(_("saisi le"), default=timezone.now)

    class Meta:
        abstract = True


class EcbRateEntry(StaffEntry):
    """An ECB main refinancing rate entered by staff, laid over the shipped table."""

    effective = models.DateField(_("en vigueur le"))
    percent = models.DecimalField(_("taux (%)"), max_digits=6, decimal_places=3)

    class Meta:
        verbose_name = _("taux BCE")
        verbose_name_plural = _("taux BCE")
        ordering = ["-effective"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "effective"], name="ecb_rate_once_per_date")
        ]

    def __str__(self) -> str:
        return f"{self.effective}: {self.percent} %"


class SyntecIndexEntry(StaffEntry):
    """A SYNTEC index as published, entered by staff (managed hosting art. 8.2).

    The revision takes the latest index *published* on or before the anniversary, so the
    publication date is kept beside the month it measures (empty only on entries made
    before it was asked; those count as published in their own month).
    """

    month = models.DateField(_("mois"))
    value = models.DecimalField(_("valeur"), max_digits=8, decimal_places=2)
    published_on = models.DateField(_("publié le"), null=True)

    class Meta:
        verbose_name = _("indice SYNTEC")
        verbose_name_plural = _("indices SYNTEC")
        ordering = ["-month"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "month"], name="syntec_once_per_month")
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}: {self.value}"

    @property
    def known_from(self) -> date:
        """The day the index could be known: its publication, else its own month."""
        return self.published_on or self.month
