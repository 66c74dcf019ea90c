"""Plans, subscriptions, invoices and credit notes, payments, SLA credits.

Both contracts bill in advance ("terme à échoir"). Invoice numbers are gap-free per
provider and series, taken from a counter row locked in the transaction that issues the
invoice; an issued invoice never changes: corrections are credit notes.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import ServiceLine
from clausier.billing.payers import Payer
from clausier.billing.reminder_schedule import first_reminder_at


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("mensuelle")
    QUARTERLY = "quarterly", _("trimestrielle")
    SEMIANNUAL = "semiannual", _("semestrielle")
    ANNUAL = "annual", _("annuelle")


PERIOD_MONTHS = {
    Periodicity.MONTHLY: 1,
    Periodicity.QUARTERLY: 3,
    Periodicity.SEMIANNUAL: 6,
    Periodicity.ANNUAL: 12,
}


class Alignment(models.TextChoices):
    # Periods run from the start date (coaching: 12 instalments from the contract start).
    ANNIVERSARY = "anniversary", _("date anniversaire")
    # Calendar periods (managed hosting art. 8.3: quarters are calendar quarters), the
    # first one prorated.
    CALENDAR = "calendar", _("périodes civiles")


class Plan(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("prestataire"),
    )
    service_line = models.CharField(_("métier"), max_length=32, choices=ServiceLine.choices)
    code = models.SlugField(_("code"), max_length=40)
    name = models.CharField(_("nom"), max_length=120)
    price_ht = models.DecimalField(_("prix HT par période"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(
        _("taux de TVA (%)"), max_digits=5, decimal_places=2, default=Decimal("20.00")
    )
    periodicity = models.CharField(_("périodicité"), max_length=16, choices=Periodicity.choices)
    alignment = models.CharField(_("alignement"), max_length=16, choices=Alignment.choices)
    commitment_months = models.PositiveIntegerField(_("engagement (mois)"), default=0)
    tacit_renewal = models.BooleanField(_("reconduction tacite"), default=True)
    session_allowance = models.PositiveIntegerField(_("sessions par an"), null=True, blank=True)
    setup_fee_ht = models.DecimalField(
        _("frais de mise en service HT"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    active = models.BooleanField(_("proposée"), default=True)

    class Meta:
        verbose_name = _("formule")
        verbose_name_plural = _("formules")
        ordering = ["provider", "name"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "code"], name="plan_unique_code")
        ]

    def __str__(self) -> str:
        return self.name


class SubscriptionStatus(models.TextChoices):
    PENDING = "pending", _("en attente du premier paiement")
    ACTIVE = "active", _("active")
    TERMINATED = "terminated", _("résiliée")


class Subscription(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("organisation cliente"),
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.PROTECT, related_name="subscriptions", verbose_name=_("formule")
    )
    acceptance = models.ForeignKey(
        "terms.Acceptance",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("acceptation des conditions"),
    )
    label = models.CharField(_("libellé"), max_length=200)
    price_ht = models.DecimalField(_("prix HT par période"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2)
    periodicity = models.CharField(_("périodicité"), max_length=16, choices=Periodicity.choices)
    alignment = models.CharField(_("alignement"), max_length=16, choices=Alignment.choices)
    commitment_months = models.PositiveIntegerField(_("engagement (mois)"), default=0)
    status = models.CharField(
        _("statut"),
        max_length=16,
        choices=SubscriptionStatus.choices,
        default=SubscriptionStatus.PENDING,
    )
    ordered_at = models.DateTimeField(_("commandée le"), default=timezone.now)
    start_date = models.DateField(_("début du contrat"), null=True, blank=True)
    # The next period to bill starts here: the billing run's stored deadline.
    billed_until = models.DateField(_("facturée jusqu'au"), null=True, blank=True, db_index=True)
    end_date = models.DateField(_("fin du contrat"), null=True, blank=True)
    # The anniversary last revised by the SYNTEC formula (managed hosting art. 8.2).
    revised_on = models.DateField(_("dernière révision"), null=True, blank=True)
    # The index that revision used: the next one divides by it, never by 268.5 again
    # (C. mon. fin. L112-1 al. 2). Empty until a revision found an index.
    retained_index = models.DecimalField(
        _("indice retenu"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    retained_index_month = models.DateField(_("mois de l'indice retenu"), null=True, blank=True)
    # The key of the order form that created it: a second click (or a replayed POST) of
    # the same form finds this subscription instead of ordering another one.
    order_key = models.CharField(_("clé de commande"), max_length=64, blank=True, default="")

    class Meta:
        verbose_name = _("abonnement")
        verbose_name_plural = _("abonnements")
        ordering = ["-ordered_at"]
        indexes = [models.Index(fields=["status", "billed_until"], name="subscription_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "order_key"],
                condition=~models.Q(order_key=""),
                name="subscription_ordered_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.client} — {self.label}"

    @property
    def period_months(self) -> int:
        return PERIOD_MONTHS[Periodicity(self.periodicity)]

    @property
    def monthly_fee(self) -> Decimal:
        return self.price_ht / self.period_months


class InvoiceKind(models.TextChoices):
    INVOICE = "invoice", _("facture")
    CREDIT_NOTE = "credit_note", _("avoir")


class VatCategory(models.TextChoices):
    """EN 16931 VAT category of a line (UNTDID 5305), which the Factur-X XML states."""

    STANDARD = "S", _("TVA au taux normal ou réduit")
    # Late-payment interest and the recovery indemnity are damages, not the price of a
    # supply: outside the scope of VAT (CGI art. 256).
    OUT_OF_SCOPE = "O", _("hors du champ de la TVA")
    # Exempt: vocational training by a training organisation, CGI art. 261-4-4° a (EU VAT
    # directive art. 132(1)(i)); the only exemption stated so far (reason VATEX-EU-132-1I).
    EXEMPT = "E", _("exonéré de TVA")


class InvoiceCounter(models.Model):
    """The next number of a series. Locked (SELECT … FOR UPDATE) by the issuing transaction."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    series = models.CharField(max_length=16, verbose_name=_("série"))
    next_number = models.PositiveIntegerField(default=1, verbose_name=_("prochain numéro"))

    class Meta:
        verbose_name = _("compteur de factures")
        verbose_name_plural = _("compteurs de factures")
        constraints = [
            models.UniqueConstraint(fields=["provider", "series"], name="counter_unique_series")
        ]

    def __str__(self) -> str:
        return f"{self.series}: {self.next_number}"


class ImmutableInvoiceError(Exception):
    """An issued invoice never changes: issue a credit note."""


def schedule_first_reminder(invoice: Invoice) -> None:
    """An invoice (not a credit note) is reminded from the day after its due date."""
    if invoice.kind == InvoiceKind.INVOICE and invoice.next_reminder_at is None:
        invoice.next_reminder_at = first_reminder_at(invoice.due_on)


class InvoiceManager(models.Manager["Invoice"]):
    def bulk_create(self, objs: Iterable[Invoice], *args: Any, **kwargs: Any) -> list[Invoice]:
        # The billing run issues invoices in bulk, past save(): schedule them here too.
        objs = list(objs)
        for invoice in objs:
            schedule_first_reminder(invoice)
        return super().bulk_create(objs, *args, **kwargs)


class Invoice(models.Model):
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="invoices",
        verbose_name=_("organisation cliente"),
    )
    kind = models.CharField(
        _("type"), max_length=16, choices=InvoiceKind.choices, default=InvoiceKind.INVOICE
    )
    series = models.CharField(_("série"), max_length=16)
    number = models.PositiveIntegerField(_("numéro"))
    issued_at = models.DateTimeField(_("émise le"))
    due_on = models.DateField(_("échéance"))
    currency = models.CharField(max_length=3, default="EUR", verbose_name=_("devise"))
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2)
    total_vat = models.DecimalField(_("TVA"), max_digits=14, decimal_places=2)
    total_ttc = models.DecimalField(_("total TTC"), max_digits=14, decimal_places=2)
    corrects = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
        verbose_name=_("facture corrigée"),
    )
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    # Seller and buyer as they were at issue: later edits of the records never alter it.
    seller = models.JSONField(_("vendeur"))
    buyer = models.JSONField(_("acheteur"))
    # The payer when it is not the client: a funder paying for it (coaching art. 8.2.4),
    # under its funding agreement. The client stays the one the invoice concerns.
    funder = models.ForeignKey(
        "billing.Funder",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoices",
        verbose_name=_("financeur"),
    )
    funding_reference = models.CharField(
        _("référence de l'accord de financement"), max_length=100, blank=True
    )
    idempotency_key = models.CharField(
        max_length=200, unique=True, verbose_name=_("clé d'idempotence")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("créée par"),
    )
    # Dunning state, not part of the issued document (changed by queryset updates only):
    # when the next reminder falls due (null: none pending, e.g. paid), and which
    # worker's batch holds the row (billing/payments/reminders.py).
    next_reminder_at = models.DateTimeField(_("prochaine relance"), null=True, blank=True)
    reminder_claim = models.CharField(
        max_length=32,
        blank=True,
        default="",
        editable=False,
        verbose_name=_("prise en charge de la relance"),
    )

    objects = InvoiceManager()

    class Meta:
        verbose_name = _("facture")
        verbose_name_plural = _("factures")
        ordering = ["-issued_at", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "series", "number"], name="invoice_unique_number"
            ),
            models.CheckConstraint(
                condition=models.Q(funder__isnull=True, funding_reference="")
                | (models.Q(funder__isnull=False) & ~models.Q(funding_reference="")),
                name="invoice_funding_reference_iff_funder",
            ),
        ]
        indexes = [
            # Only unpaid invoices carry a date: the reminder job's scan stays small.
            models.Index(
                fields=["next_reminder_at"],
                condition=models.Q(next_reminder_at__isnull=False),
                name="invoice_reminder_due",
            )
        ]

    def __str__(self) -> str:
        return self.display_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise ImmutableInvoiceError(
                f"invoice {self.display_number} is issued and cannot change"
            )
        schedule_first_reminder(self)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise ImmutableInvoiceError(
            f"invoice {self.display_number} is issued and cannot be deleted"
        )

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:06d}"

    @property
    def payer(self) -> Payer:
        """Who the invoice is addressed to, as it was at issue."""
        return Payer.from_snapshot(self.buyer)


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="lines", verbose_name=_("facture")
    )
    position = models.PositiveIntegerField(verbose_name=_("position"))
    description = models.CharField(_("désignation"), max_length=300)
    quantity = models.DecimalField(
        _("quantité"), max_digits=12, decimal_places=4, default=Decimal("1")
    )
    unit_price_ht = models.DecimalField(_("prix unitaire HT"), max_digits=14, decimal_places=2)
    vat_rate = models.DecimalField(_("taux de TVA (%)"), max_digits=5, decimal_places=2)
    vat_category = models.CharField(
        _("catégorie de TVA"),
        max_length=2,
        choices=VatCategory.choices,
        default=VatCategory.STANDARD,
    )
    total_ht = models.DecimalField(_("total HT"), max_digits=14, decimal_places=2)
    clause = models.CharField(_("clause"), max_length=200, blank=True)
    period_start = models.DateField(null=True, blank=True, verbose_name=_("début de période"))
    period_end = models.DateField(null=True, blank=True, verbose_name=_("fin de période"))
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="invoice_lines",
        verbose_name=_("abonnement"),
    )

    class Meta:
        verbose_name = _("ligne de facture")
        verbose_name_plural = _("lignes de facture")
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(fields=["invoice", "position"], name="line_unique_position")
        ]

    def __str__(self) -> str:
        return self.description


class PaymentMethod(models.TextChoices):
    TRANSFER = "transfer", _("virement")
    CHEQUE = "cheque", _("chèque")
    CARD = "card", _("carte bancaire")
    SEPA = "sepa", _("prélèvement SEPA")
    SEPA_RETURN = "sepa-return", _("retour de prélèvement SEPA")
    STRIPE = "stripe", "Stripe"
    GOCARDLESS = "gocardless", "GoCardless"


# What staff record by hand; the others are recorded by their channel (bank report,
# gateway webhook), which knows the reference.
MANUAL_PAYMENT_METHODS = (PaymentMethod.TRANSFER, PaymentMethod.CHEQUE, PaymentMethod.CARD)


class Payment(models.Model):
    # The invoice's provider, kept on the row so that references are unique per provider:
    # two providers' banks may well issue the same reference.
    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="payments", verbose_name=_("facture")
    )
    amount = models.DecimalField(_("montant"), max_digits=14, decimal_places=2)
    received_at = models.DateTimeField(_("reçu le"))
    method = models.CharField(_("moyen"), max_length=32, choices=PaymentMethod.choices)
    reference = models.CharField(_("référence"), max_length=100)
    # Recorded knowingly beyond the balance due (the surplus is owed back to the client).
    overpayment = models.BooleanField(_("trop-perçu"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enregistré par"),
    )

    class Meta:
        verbose_name = _("paiement")
        verbose_name_plural = _("paiements")
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "method", "reference"], name="payment_unique_reference"
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=PaymentMethod.values), name="payment_known_method"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.invoice} {self.amount}"


class SlaCreditStatus(models.TextChoices):
    PENDING = "pending", _("à déduire")
    APPLIED = "applied", _("déduit")
    CAPPED = "capped", _("écrêté par le plafond mensuel")


class SlaCredit(models.Model):
    """A service credit owed to a client (penalty), deducted from the next invoice,
    capped per month and service at that month's fee (managed hosting art. 14)."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="sla_credits",
        verbose_name=_("organisation cliente"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.PROTECT,
        related_name="sla_credits",
        verbose_name=_("abonnement"),
    )
    month = models.DateField(_("mois"))
    amount = models.DecimalField(_("montant demandé"), max_digits=14, decimal_places=2)
    clause = models.CharField(_("clause"), max_length=200)
    description = models.CharField(_("désignation"), max_length=300)
    source_key = models.CharField(max_length=200, unique=True, verbose_name=_("clé de la source"))
    created_at = models.DateTimeField(default=timezone.now, verbose_name=_("créé le"))
    status = models.CharField(
        _("statut"), max_length=16, choices=SlaCreditStatus.choices, default=SlaCreditStatus.PENDING
    )
    applied_line = models.ForeignKey(
        InvoiceLine,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ligne d'imputation"),
    )
    granted = models.DecimalField(
        _("montant déduit"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )

    class Meta:
        verbose_name = _("crédit de service")
        verbose_name_plural = _("crédits de service")
        ordering = ["month", "created_at"]

    def __str__(self) -> str:
        return f"{self.client} {self.month:%Y-%m} {self.amount}"


class FormalNotice(models.Model):
    """A registered letter of formal notice for unpaid sums (managed hosting art. 8.3):
    the contract may be terminated fifteen days after its first presentation."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="formal_notices", verbose_name=_("facture")
    )
    presented_on = models.DateField(_("première présentation"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("enregistré par"),
    )
    recorded_at = models.DateTimeField(default=timezone.now, verbose_name=_("enregistrée le"))

    class Meta:
        verbose_name = _("mise en demeure")
        verbose_name_plural = _("mises en demeure")

    def __str__(self) -> str:
        return f"{self.invoice} — {self.presented_on}"


class DisputeOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("recevable")
    TOO_LATE = "too_late", _("hors délai")


class InvoiceDispute(models.Model):
    """A client's dispute of an invoice (coaching art. 8.3: within ten days)."""

    invoice = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, related_name="disputes", verbose_name=_("facture")
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("soulevée par"),
    )
    received_at = models.DateTimeField(_("reçue le"))
    reason = models.TextField(_("motif"))
    outcome = models.CharField(_("recevabilité"), max_length=16, choices=DisputeOutcome.choices)
    clause = models.CharField(_("clause"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("contestation")
        verbose_name_plural = _("contestations")

    def __str__(self) -> str:
        return f"{self.invoice} — {self.get_outcome_display()}"


class PriceChange(models.Model):
    """A price increase announced to the client (coaching art. 8.1: three months ahead)."""

    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.PROTECT,
        related_name="price_changes",
        verbose_name=_("abonnement"),
    )
    new_price_ht = models.DecimalField(_("nouveau prix HT"), max_digits=14, decimal_places=2)
    announced_at = models.DateTimeField(_("annoncée le"))
    applies_from = models.DateField(_("applicable au"))
    clause = models.CharField(_("clause"), max_length=200)
    announced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("annoncée par"),
    )
    applied = models.BooleanField(_("appliquée"), default=False)

    class Meta:
        verbose_name = _("hausse de prix")
        verbose_name_plural = _("hausses de prix")
        ordering = ["applies_from"]

    def __str__(self) -> str:
        return f"{self.subscription} → {self.new_price_ht} ({self.applies_from})"


class OverageScope(models.TextChoices):
    EXTRA_EMERGENCY = "extra_emergency", _("urgence au-delà du forfait annuel")
    BEYOND_COVERED_HOURS = "beyond_covered_hours", _("travail au-delà de deux heures")


class OverageAgreement(models.Model):
    """A quote for billable intervention time and the client's agreement to it (managed
    hosting art. 5, 3.3): an extra emergency or work past two hours is billable only
    once the client's administrator accepted it, and only for work done after that."""

    provider = models.ForeignKey(
        "accounts.Provider",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("prestataire"),
    )
    client = models.ForeignKey(
        "accounts.ClientOrganisation",
        on_delete=models.PROTECT,
        related_name="overage_agreements",
        verbose_name=_("organisation cliente"),
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.PROTECT,
        related_name="overage_agreements",
        verbose_name=_("abonnement"),
    )
    scope = models.CharField(_("objet"), max_length=24, choices=OverageScope.choices)
    intervention = models.CharField(_("intervention"), max_length=100)
    hourly_rate = models.DecimalField(_("taux horaire HT"), max_digits=10, decimal_places=2)
    clause = models.CharField(_("clause"), max_length=200)
    quoted_at = models.DateTimeField(_("proposé le"))
    quoted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("devis établi par"),
    )
    accepted_at = models.DateTimeField(_("accepté le"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("acceptée par"),
    )

    class Meta:
        verbose_name = _("accord du client sur un dépassement")
        verbose_name_plural = _("accords du client sur des dépassements")
        ordering = ["-quoted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "intervention", "scope"], name="overage_agreement_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention} — {self.get_scope_display()}"


from clausier.billing.models_funders import *  # noqa: E402,F403
from clausier.billing.models_payments import *  # noqa: E402,F403
