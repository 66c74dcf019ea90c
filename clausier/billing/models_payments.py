"""SEPA direct debit (mandates, collections, debits) and payment-gateway webhooks.

Imported at the end of `clausier.billing.models`, so these models belong to the billing
app and its migrations. "Gateway" names Stripe or GoCardless; "provider" stays the
tenant (`accounts.Provider`) as everywhere else.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from stdnum import exceptions as stdnum_errors
from stdnum.eu import at_02

from clausier.accounts import validators
from clausier.core.fields import EncryptedTextField

__all__ = [
    "CreditorSettings",
    "DebitCollection",
    "DebitStatus",
    "DirectDebit",
    "Gateway",
    "GatewayAccount",
    "Mandate",
    "MandateStatus",
    "ProviderEvent",
    "ProviderEventStatus",
    "SequenceType",
    "clean_creditor_id",
]


def clean_creditor_id(value: str) -> str:
    """The SEPA creditor identifier (ICS, EPC AT-02): FR + check digits + ZZZ + id."""
    try:
        return str(at_02.validate(value))
    except stdnum_errors.ValidationError:
        raise ValidationError(
            _("« %(value)s » n'est pas un identifiant créancier SEPA (ICS) valide."),
            code="invalid_creditor_id",
            params={"value": value},
        ) from None


class CreditorSettings(models.Model):
    """What a provider needs to collect SEPA direct debits itself (pain.008)."""

    provider = models.OneToOneField(
        "accounts.Provider",
        on_delete=models.CASCADE,
        related_name="sepa_creditor",
        verbose_name=_("prestataire"),
    )
    creditor_id = models.CharField(_("identifiant créancier SEPA (ICS)"), max_length=35)
    # Empty: the provider's own IBAN/BIC (accounts.Provider) receive the funds.
    iban = models.CharField(_("IBAN de remise"), max_length=34, blank=True)
    bic = models.CharField(_("BIC de remise"), max_length=11, blank=True)

    class Meta:
        verbose_name = _("paramètres de créancier SEPA")
        verbose_name_plural = _("paramètres de créancier SEPA")

    def __str__(self) -> str:
        return self.creditor_id

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        for field, cleaner in (
            ("creditor_id", clean_creditor_id),
            ("iban", validators.clean_iban),
            ("bic", validators.clean_bic),
        ):
            if getattr(self, field):
                try:
                    setattr(self, field, cleaner(getattr(self, field)))
                except ValidationError as exc:
                    errors.setdefault(field, []).append(exc)
        if errors:
            raise ValidationError(errors)


class SequenceType(models.TextChoices):
    FIRST = "FRST", _("premier prélèvement")
    RECURRING = "RCUR", _("prélèvement récurrent")


class MandateStatus(models.TextChoices):
    ACTIVE = "active", _("actif")
    REVOKED = "revoked", _("révoqué")


class Mandate(models.Model):
    """A SEPA Core mandate signed by a client: its reference (RUM) is unique per creditor."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="sepa_mandates",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="sepa_mandates",
        verbose_name=_("organisation cliente"),
    )
    reference = models.CharField(_("référence unique de mandat (RUM)"), max_length=35)
    debtor_name = models.CharField(_("titulaire du compte"), max_length=70)
    iban = models.CharField(_("IBAN"), max_length=34)
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    signed_on = models.DateField(_("signé le"))
    # The sequence type of the mandate's next collection: FRST until one was presented.
    sequence_type = models.CharField(
        _("type de séquence"),
        max_length=4,
        choices=SequenceType.choices,
        default=SequenceType.FIRST,
    )
    status = models.CharField(
        _("statut"), max_length=16, choices=MandateStatus.choices, default=MandateStatus.ACTIVE
    )
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True)
    revocation_reason = models.CharField(_("motif de révocation"), max_length=200, blank=True)
    # The gateway's id when the mandate lives at GoCardless (MD…) or Stripe (mandate_…).
    gateway = models.CharField(_("prestataire de paiement"), max_length=16, blank=True)
    external_id = models.CharField(_("identifiant externe"), max_length=100, blank=True)
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))

    class Meta:
        verbose_name = _("mandat SEPA")
        verbose_name_plural = _("mandats SEPA")
        ordering = ["-signed_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "reference"], name="mandate_unique_reference"
            )
        ]

    def __str__(self) -> str:
        return self.reference

    def clean(self) -> None:
        errors: dict[str, list[ValidationError]] = {}
        try:
            self.iban = validators.clean_iban(self.iban)
        except ValidationError as exc:
            errors.setdefault("iban", []).append(exc)
        if self.bic:
            try:
                self.bic = validators.clean_bic(self.bic)
            except ValidationError as exc:
                errors.setdefault("bic", []).append(exc)
        if errors:
            raise ValidationError(errors)


class DebitCollection(models.Model):
    """One pain.008 file as it was handed out, kept so that a lost download loses nothing."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    message_id = models.CharField(
        max_length=35, unique=True, verbose_name=_("identifiant du message")
    )
    created_at = models.DateTimeField(verbose_name=_("créé le"))
    due_until = models.DateField(verbose_name=_("échéances jusqu'au"))
    transactions = models.PositiveIntegerField(verbose_name=_("transactions"))
    total = models.DecimalField(max_digits=14, decimal_places=2, verbose_name=_("total"))
    xml = models.TextField(verbose_name=_("fichier XML"))

    class Meta:
        verbose_name = _("remise de prélèvements")
        verbose_name_plural = _("remises de prélèvements")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.message_id


class DebitStatus(models.TextChoices):
    EXPORTED = "exported", _("présenté")
    COLLECTED = "collected", _("encaissé")
    REJECTED = "rejected", _("rejeté")


class DirectDebit(models.Model):
    """One invoice presented once for direct debit: in a pain.008 file or at a gateway."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    invoice = models.ForeignKey(
        "billing.Invoice",
        on_delete=models.PROTECT,
        related_name="direct_debits",
        verbose_name=_("facture"),
    )
    mandate = models.ForeignKey(
        Mandate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debits",
        verbose_name=_("mandat"),
    )
    collection = models.ForeignKey(
        DebitCollection,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="debits",
        verbose_name=_("remise"),
    )
    # "sepa" for our own pain.008 files, else the gateway ("stripe", "gocardless").
    channel = models.CharField(max_length=16, default="sepa", verbose_name=_("canal"))
    external_id = models.CharField(
        max_length=100, blank=True, verbose_name=_("identifiant externe")
    )
    end_to_end_id = models.CharField(_("référence de bout en bout"), max_length=35)
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    sequence_type = models.CharField(
        max_length=4, choices=SequenceType.choices, blank=True, verbose_name=_("type de séquence")
    )
    collection_date = models.DateField(_("date d'échéance"), null=True, blank=True)
    status = models.CharField(
        _("statut"), max_length=16, choices=DebitStatus.choices, default=DebitStatus.EXPORTED
    )
    exported_at = models.DateTimeField(_("présenté le"))
    settled_at = models.DateTimeField(_("dénoué le"), null=True, blank=True)
    reason_code = models.CharField(_("code motif"), max_length=35, blank=True)
    reason = models.CharField(_("motif"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("prélèvement")
        verbose_name_plural = _("prélèvements")
        ordering = ["-exported_at", "-pk"]
        constraints = [
            # An invoice is presented once: exporting again never debits it twice.
            models.UniqueConstraint(fields=["invoice"], name="debit_once_per_invoice"),
            models.UniqueConstraint(
                fields=["provider", "end_to_end_id"], name="debit_unique_end_to_end_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.end_to_end_id} {self.status}"


class Gateway(models.TextChoices):
    STRIPE = "stripe", "Stripe"
    GOCARDLESS = "gocardless", "GoCardless"


class GatewayAccount(models.Model):
    """A provider's account at a payment gateway: the secret that signs its webhooks."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.CASCADE,
        related_name="gateway_accounts",
        verbose_name=_("prestataire"),
    )
    gateway = models.CharField(
        max_length=16, choices=Gateway.choices, verbose_name=_("plateforme de paiement")
    )
    # Encrypted at rest (clausier.core.crypto): a database copy alone cannot forge webhooks.
    webhook_secret = EncryptedTextField(_("secret des webhooks"))

    class Meta:
        verbose_name = _("compte de paiement")
        verbose_name_plural = _("comptes de paiement")
        constraints = [
            models.UniqueConstraint(fields=["provider", "gateway"], name="gateway_account_unique")
        ]

    def __str__(self) -> str:
        return f"{self.provider} {self.gateway}"


class ProviderEventStatus(models.TextChoices):
    RECEIVED = "received", _("reçu")
    PROCESSED = "processed", _("traité")
    IGNORED = "ignored", _("sans effet")
    UNMATCHED = "unmatched", _("sans facture connue")
    FAILED = "failed", _("en échec")


class ProviderEvent(models.Model):
    """A gateway event, stored before it is handled: handled once per (gateway, event id)."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    gateway = models.CharField(
        max_length=16, choices=Gateway.choices, verbose_name=_("plateforme de paiement")
    )
    event_id = models.CharField(max_length=100, verbose_name=_("identifiant de l'événement"))
    event_type = models.CharField(max_length=100, verbose_name=_("type d'événement"))
    payload = models.JSONField(verbose_name=_("contenu reçu"))
    received_at = models.DateTimeField(verbose_name=_("reçu le"))
    processed_at = models.DateTimeField(null=True, blank=True, verbose_name=_("traité le"))
    status = models.CharField(
        max_length=16,
        choices=ProviderEventStatus.choices,
        default=ProviderEventStatus.RECEIVED,
        verbose_name=_("statut"),
    )
    outcome = models.CharField(max_length=300, blank=True, verbose_name=_("résultat"))
    attempts = models.PositiveIntegerField(default=0, verbose_name=_("tentatives"))

    class Meta:
        verbose_name = _("événement de paiement")
        verbose_name_plural = _("événements de paiement")
        ordering = ["-received_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "gateway", "event_id"], name="provider_event_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.gateway} {self.event_id}"
