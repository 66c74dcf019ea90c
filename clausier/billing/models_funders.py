"""Funders: the bodies that pay a provider for its client (coaching art. 8.1.2, 8.2.4).

An OPCO ("opérateur de compétences") that funds a training in subrogation receives the
invoice for the part it covers; the client receives the rest. A funder row belongs to
one provider, like every other row, and is addressed by its SIRET.

Imported at the end of `clausier.billing.models`, so it belongs to the billing app and
its migrations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts import validators
from clausier.accounts.models import Address

__all__ = ["Funder", "FunderKind"]


class FunderKind(models.TextChoices):
    """Who the funder is; the training BPF (cerfa 10443, section C) sorts revenue by it."""

    OPCO = "opco", _("OPCO (opérateur de compétences)")
    EUROPEAN = "european", _("instance européenne")
    STATE = "state", _("État")
    REGION = "region", _("conseil régional")
    FRANCE_TRAVAIL = "france_travail", _("France Travail")
    OTHER_PUBLIC = "other_public", _("autre financeur public")
    OTHER = "other", _("autre organisme financeur")


class Funder(Address):
    """A body that pays invoices on a client's behalf, known to one provider."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="funders",
        verbose_name=_("prestataire"),
    )
    kind = models.CharField(
        _("type de financeur"), max_length=16, choices=FunderKind.choices, default=FunderKind.OPCO
    )
    legal_name = models.CharField(_("raison sociale"), max_length=200)
    siret = models.CharField(_("SIRET"), max_length=14)
    vat_number = models.CharField(_("n° de TVA intracommunautaire"), max_length=20, blank=True)
    billing_email = models.EmailField(_("e-mail de facturation"))
    created_at = models.DateTimeField(_("créé le"), default=timezone.now)

    class Meta:
        verbose_name = _("financeur")
        verbose_name_plural = _("financeurs")
        ordering = ["legal_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "siret"],
                name="funder_unique_siret_per_provider",
                violation_error_message=_(
                    "Un financeur de ce SIRET existe déjà chez ce prestataire."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def siren(self) -> str:
        """The company's SIREN: the first nine digits of the establishment's SIRET."""
        return self.siret[:9]

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            self.siret = validators.clean_siret(self.siret)
        except ValidationError as exc:
            errors.setdefault("siret", []).append(exc)
        if self.vat_number:
            try:
                self.vat_number = validators.clean_vat_number(self.vat_number)
            except ValidationError as exc:
                errors.setdefault("vat_number", []).append(exc)
        try:
            self.clean_country()
        except ValidationError as exc:
            errors.setdefault("country", []).append(exc)
        if errors:
            raise ValidationError(errors)
