"""What is left to pay on an invoice: its total less payments and credit notes."""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Sum

from clausier.billing.models import Invoice
from clausier.core.money import to_cents


def amount_paid(invoice: Invoice) -> Decimal:
    paid = invoice.payments.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    credited = invoice.credit_notes.aggregate(total=Sum("total_ttc"))["total"] or Decimal(0)
    return to_cents(paid + credited)


def balance_due(invoice: Invoice) -> Decimal:
    return to_cents(invoice.total_ttc - amount_paid(invoice))
