"""What is left to pay on an invoice: its total less payments and credit notes."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

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

MONEY = DecimalField(max_digits=14, decimal_places=2)


def amount_paid(invoice: Invoice) -> Decimal:
    paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    credited = invoice.credit_notes.aggregate(total=Sum("total_ttc"))["total"] or Decimal(0)
    return to_cents(paid + credited)


def balance_due(invoice: Invoice) -> Decimal:
    return to_cents(invoice.total_ttc - amount_paid(invoice))


def _sum_of(queryset: QuerySet[Any], group: str, column: str) -> Subquery:
    return Subquery(
        queryset.values(group).annotate(total=Sum(column)).values("total")[:1],
        output_field=MONEY,
    )


def with_balances(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """`invoices` annotated with `paid_total` and `balance_total`: the same sums as
    `amount_paid` and `balance_due`, computed by the database in the list's one query
    (the portal's invoice list made two aggregate queries per row before)."""
    paid = Coalesce(
        _sum_of(Payment.objects.filter(invoice=OuterRef("pk")), "invoice", "amount"),
        Value(Decimal(0)),
        output_field=MONEY,
    ) + Coalesce(
        _sum_of(Invoice.objects.filter(corrects=OuterRef("pk")), "corrects", "total_ttc"),
        Value(Decimal(0)),
        output_field=MONEY,
    )
    return invoices.annotate(paid_total=paid).annotate(
        balance_total=ExpressionWrapper(F("total_ttc") - F("paid_total"), output_field=MONEY)
    )


def annotated_balance(invoice: Invoice) -> Decimal:
    """The balance of an invoice read through `with_balances`, rounded like balance_due."""
    return to_cents(Decimal(invoice.balance_total))  # type: ignore[attr-defined]
