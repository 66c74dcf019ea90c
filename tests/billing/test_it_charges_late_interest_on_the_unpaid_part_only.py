"""The late-payment invoice bills interest on what stayed unpaid, one line per base and
half-year, plus the 40 € indemnity once (Code de commerce L441-10, D441-5)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Invoice
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2025, 3, 1, 9, tzinfo=UTC)
DUE = date(2025, 3, 31)


def invoice_of_1200(w) -> Invoice:
    line = LineDraft("Prestation", Decimal("1000.00"), Decimal("20.00"))
    return issue(
        now=NOW, provider=w["provider"], client=w["client"], lines=[line],
        idempotency_key="i-1", due_on=DUE,
    )  # fmt: skip


def pay(invoice: Invoice, day: date, amount: str, ref: str) -> None:
    at = datetime(day.year, day.month, day.day, 10, tzinfo=UTC)
    services.record_payment(
        now=at, invoice=invoice, amount=Decimal(amount), method="transfer", reference=ref
    )


def penalty_of(invoice: Invoice) -> Invoice:
    return Invoice.objects.get(idempotency_key=f"late-payment:{invoice.pk}")


def test_a_part_paid_on_time_then_a_late_remainder_bears_interest_on_the_remainder() -> None:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = invoice_of_1200(w)
    pay(invoice, DUE, "800.00", "p1")
    assert not Invoice.objects.filter(idempotency_key__startswith="late-payment:").exists()
    pay(invoice, date(2025, 4, 30), "400.00", "p2")
    interest, indemnity = penalty_of(invoice).lines.order_by("position")
    # 400 x 13.15 % x 30 / 365 = 4.32 (12.97 on the whole 1 200.00).
    assert interest.total_ht == Decimal("4.32")
    assert "400.00" in interest.description and "30" in interest.description
    assert "L441-10" in interest.clause
    assert indemnity.total_ht == Decimal("40.00") and "D441-5" in indemnity.clause


def test_each_late_payment_lowers_the_base_from_the_next_day() -> None:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = invoice_of_1200(w)
    pay(invoice, date(2025, 4, 10), "800.00", "p1")
    pay(invoice, date(2025, 4, 30), "400.00", "p2")
    penalty = penalty_of(invoice)
    first, second, indemnity = penalty.lines.order_by("position")
    assert (first.total_ht, second.total_ht) == (Decimal("4.32"), Decimal("2.88"))
    assert indemnity.total_ht == Decimal("40.00")
    assert penalty.total_ttc == Decimal("47.20")


def test_paying_in_parts_all_on_time_issues_no_penalty() -> None:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = invoice_of_1200(w)
    pay(invoice, date(2025, 3, 15), "600.00", "p1")
    pay(invoice, DUE, "600.00", "p2")
    assert not Invoice.objects.filter(idempotency_key__startswith="late-payment:").exists()
