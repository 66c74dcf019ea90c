"""What is left to pay on an invoice: its total less payments and credit notes.

One definition, `with_balances`, annotates invoices with what was paid and what credit
notes took off, in the query that loads them: `balance_due` reads it for one invoice, the
reminders (`payments.reminders`) for a whole batch in one query.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import (
    DecimalField,
    ExpressionWrapper,
    F,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce

from clausier.billing.models import Invoice, Payment
from clausier.core.money import to_cents

_MONEY = DecimalField(max_digits=14, decimal_places=2)


def with_balances(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` annotated with `paid_total` (payments recorded against each),
    `credited_total` (the credit notes correcting it), zero when there are none, and
    `balance_total`, what is left to pay (lists filter and sort on it in the database)."""
    paid = (
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    credited = (
        Invoice.objects.filter(corrects=OuterRef("pk"))
        .values("corrects")
        .annotate(total=Sum("total_ttc"))
        .values("total")
    )
    zero = Value(Decimal(0), output_field=_MONEY)
    return invoices.annotate(
        paid_total=Coalesce(Subquery(paid, output_field=_MONEY), zero),
        credited_total=Coalesce(Subquery(credited, output_field=_MONEY), zero),
    ).annotate(
        balance_total=ExpressionWrapper(
            F("total_ttc") - F("paid_total") - F("credited_total"), output_field=_MONEY
        )
    )


def _paid(invoice: Invoice) -> Decimal:
    paid: Decimal = invoice.paid_total + invoice.credited_total  # type: ignore[attr-defined]
    return to_cents(paid)


def annotated_balance(invoice: Invoice) -> Decimal:
    """The balance of an invoice loaded through `with_balances`."""
    return to_cents(invoice.total_ttc - _paid(invoice))


def amount_paid(invoice: Invoice) -> Decimal:
    return _paid(with_balances(Invoice.objects.filter(pk=invoice.pk).only("pk")).get())


def balance_due(invoice: Invoice) -> Decimal:
    return to_cents(invoice.total_ttc - amount_paid(invoice))
