"""Service credits: deducted from the next invoice, capped per month at that month's fee
of the affected service (managed hosting art. 8.3 and 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.credits import record_sla_credit
from clausier.billing.models import Invoice, SlaCredit, SlaCreditStatus
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def active():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r1"
    )
    subscription.refresh_from_db()
    return subscription  # 300.00 per quarter: a monthly fee of 100.00


def credit(subscription, key, amount, month=date(2026, 2, 1)):
    return record_sla_credit(
        subscription=subscription,
        month=month,
        amount=Decimal(amount),
        clause="Art. 14 — Pénalités et SLA",
        description=f"GTI {key}",
        source_key=key,
        now=ORDER,
    )


def test_a_credit_is_deducted_from_the_next_invoice_with_its_clause(active):
    credit(active, "gti-1", "25.00")
    [invoice] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    deduction = invoice.lines.get(position=2)
    assert deduction.total_ht == Decimal("-25.00")
    assert deduction.clause == "Art. 14 — Pénalités et SLA"
    assert invoice.total_ht == Decimal("275.00")
    assert SlaCredit.objects.get().status == SlaCreditStatus.APPLIED


def test_a_months_credits_are_capped_at_that_months_fee(active):
    credit(active, "gti-1", "60.00")
    credit(active, "gti-2", "70.00")
    credit(active, "gtr-march", "10.00", month=date(2026, 3, 1))
    [invoice] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    february, march = invoice.lines.get(position=2), invoice.lines.get(position=3)
    assert february.total_ht == Decimal("-100.00")  # 130 requested, 100 allowed
    assert "Art. 14" in february.clause and "; " in february.clause
    assert march.total_ht == Decimal("-10.00")
    granted = dict(SlaCredit.objects.values_list("source_key", "granted"))
    assert granted == {
        "gti-1": Decimal("60.00"),
        "gti-2": Decimal("40.00"),
        "gtr-march": Decimal("10.00"),
    }


def test_a_late_credit_for_an_already_capped_month_gets_nothing(active):
    credit(active, "gti-1", "100.00")
    services.bill_due(now=ORDER, until=date(2026, 4, 1))
    credit(active, "gti-late", "30.00")
    [q3] = services.bill_due(now=ORDER, until=date(2026, 7, 1))
    assert q3.lines.count() == 1
    assert SlaCredit.objects.get(source_key="gti-late").status == SlaCreditStatus.CAPPED


def test_the_same_source_is_credited_once(active):
    credit(active, "gti-1", "25.00")
    credit(active, "gti-1", "25.00")
    assert SlaCredit.objects.count() == 1


def test_credits_beyond_the_invoice_wait_for_the_next_one(active):
    # Four months of 100.00 each (each within its month's cap) against a 300.00 invoice:
    # three fit, the fourth waits for the next invoice.
    for month in (1, 2, 3, 4):
        credit(active, f"m{month}", "100.00", month=date(2026, month, 1))
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    assert q2.total_ht == Decimal("0.00")
    waiting = SlaCredit.objects.get(source_key="m4")
    assert waiting.status == SlaCreditStatus.PENDING
    [q3] = services.bill_due(now=ORDER, until=date(2026, 7, 1))
    assert q3.total_ht == Decimal("200.00")
