"""Invoices and price changes that rules produce, not the calendar:

- late payment (Code de commerce L441-10 and D441-5; the seed cites the repealed
  L441-6): interest at the ECB rate + 10 points on the part left unpaid incl. VAT,
  day by day (each payment lowers the base from the next day), per day late / 365, and
  the 40 € recovery indemnity, invoiced when a late invoice is settled;
- SYNTEC revision at each contract anniversary (managed hosting art. 8.2):
  revised = current × latest published index / index retained at the previous revision
  (the contract index the first time).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.billing.invoicing.issue import LineDraft, issue, local_date
from clausier.billing.models import Invoice, InvoiceKind, Subscription, VatCategory
from clausier.billing.subscriptions.contracts import policy_of
from clausier.core import audit
from clausier.core.calendar import add_months
from clausier.terms.indices import rate_table_for, syntec_entries
from clausier.terms.rules.late_payment import late_payment_on_unpaid

LATE_PREFIX = "late-payment:"
# Late-payment interest and the recovery indemnity are damages, outside the scope of VAT.
NO_VAT = Decimal("0.00")


def late_payment_invoice(*, now: datetime, invoice: Invoice) -> Invoice | None:
    """Invoice the interest and indemnity of an invoice settled after its due date, once."""
    if invoice.kind != InvoiceKind.INVOICE or invoice.idempotency_key.startswith(LATE_PREFIX):
        return None
    paid_on = local_date(now)
    # Interest runs on the unpaid part only (L441-10): every payment and credit note
    # lowers the base from its own date, whichever pack version the client accepted.
    received = [(local_date(p.received_at), p.amount) for p in invoice.payments.all()]
    received += [(local_date(c.issued_at), c.total_ttc) for c in invoice.credit_notes.all()]
    penalty = late_payment_on_unpaid(
        invoice.total_ttc, invoice.due_on, received, paid_on, rate_table_for(invoice.provider)
    )
    if penalty.days_late <= 0:
        return None
    lines = [
        LineDraft(
            description=_(
                "Intérêts de retard sur la facture %(number)s : %(base)s € impayés du "
                "%(first)s au %(last)s (%(days)s jours) à %(rate)s %%"
            )
            % {
                "number": invoice.display_number,
                "base": segment.base,
                "first": segment.first_day.strftime("%d/%m/%Y"),
                "last": segment.last_day.strftime("%d/%m/%Y"),
                "days": segment.days,
                "rate": segment.rate.annual_percent,
            },
            unit_price_ht=segment.amount,
            vat_rate=NO_VAT,
            vat_category=VatCategory.OUT_OF_SCOPE,
            clause=str(penalty.clause),
        )
        for segment in penalty.segments
    ]
    lines += [
        LineDraft(
            description=_("Indemnité forfaitaire pour frais de recouvrement — facture %(number)s")
            % {"number": invoice.display_number},
            unit_price_ht=penalty.recovery_indemnity,
            vat_rate=NO_VAT,
            vat_category=VatCategory.OUT_OF_SCOPE,
            clause=str(penalty.indemnity_clause),
        ),
    ]
    return issue(
        now=now,
        provider=invoice.provider,
        client=invoice.client,
        lines=lines,
        idempotency_key=f"{LATE_PREFIX}{invoice.pk}",
        due_on=paid_on,
        # Owed by the payer who paid late: the funder of a funded invoice.
        funder=invoice.funder,
        funding_reference=invoice.funding_reference,
    )


def next_anniversary(subscription: Subscription) -> date | None:
    if subscription.start_date is None:
        return None
    last = subscription.revised_on or subscription.start_date
    return add_months(last, 12)


def _retained(subscription: Subscription) -> tuple[Decimal, date] | None:
    """The index of the previous revision; None before any (the contract index then)."""
    if subscription.retained_index is None or subscription.retained_index_month is None:
        return None
    return subscription.retained_index, subscription.retained_index_month


def revise_if_due(*, now: datetime, subscription: Subscription, period_start: date) -> Subscription:
    """Apply the SYNTEC formula at each anniversary reached by the period to bill.

    Each revision divides by the index the previous one retained (268.5 the first time),
    for every pack version: C. mon. fin. L112-1 al. 2 forbids counting a variation twice.
    Which index is "the latest published" follows the accepted pack's reading.
    """
    policy = policy_of(subscription)
    if policy.indexation() is None:
        return subscription
    anniversary = next_anniversary(subscription)
    while anniversary is not None and anniversary <= period_start:
        published = [
            (entry.value, entry.month, entry.published_on)
            for entry in syntec_entries(subscription.provider, anniversary)
        ]
        revision = policy.index_revision(
            subscription.price_ht, published, anniversary, _retained(subscription)
        )
        assert revision is not None  # the contract revises by index
        revised, latest, retained = revision.revised_amount, revision.latest, revision.retained
        details: dict[str, str | None] = {"index": None}
        if latest is not None:
            details = {
                "index": str(latest.value),
                "month": latest.month.isoformat() if latest.month else None,
                "published_on": latest.published_on.isoformat() if latest.published_on else None,
                "base": str(revision.base),
                "clause": str(revision.clause),
            }
        index_value = retained.value if retained else None
        index_month = retained.month if retained else None
        with transaction.atomic():
            Subscription.objects.filter(pk=subscription.pk).update(
                price_ht=revised,
                revised_on=anniversary,
                retained_index=index_value,
                retained_index_month=index_month,
            )
            audit.record(
                "subscription.revised",
                subscription,
                provider=subscription.provider,
                client=subscription.client,
                details={
                    "anniversary": anniversary.isoformat(),
                    "from": str(subscription.price_ht),
                    "to": str(revised),
                    **details,
                },
            )
        subscription.price_ht, subscription.revised_on = revised, anniversary
        subscription.retained_index, subscription.retained_index_month = index_value, index_month
        anniversary = next_anniversary(subscription)
    return subscription
