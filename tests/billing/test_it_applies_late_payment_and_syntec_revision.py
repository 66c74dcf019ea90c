"""Rule-made invoices: late-payment interest and indemnity (L441-10, D441-5), and the
SYNTEC revision at the contract anniversary (managed hosting art. 8.2)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Invoice
from clausier.core.models import AuditEntry
from clausier.terms import indices
from clausier.terms.rules.late_payment import statutory_rate
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)


def invoice_due(w, due: date) -> Invoice:
    line = LineDraft("Prestation", Decimal("1000.00"), Decimal("20.00"))
    return issue(
        now=NOW,
        provider=w["provider"],
        client=w["client"],
        lines=[line],
        idempotency_key=f"i-{due}",
        due_on=due,
    )


@pytest.mark.parametrize(("paid_on", "late"), [(date(2026, 2, 1), False), (date(2026, 2, 2), True)])
def test_paying_on_the_due_date_costs_nothing_the_day_after_does(paid_on, late):
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = invoice_due(w, date(2026, 2, 1))
    at = datetime(paid_on.year, paid_on.month, paid_on.day, 10, tzinfo=UTC)
    services.record_payment(
        now=at, invoice=invoice, amount=invoice.total_ttc, method="transfer", reference="p1"
    )
    penalties = Invoice.objects.filter(idempotency_key__startswith="late-payment:")
    assert penalties.exists() is late
    if late:
        penalty = penalties.get()
        interest, indemnity = penalty.lines.order_by("position")
        assert indemnity.total_ht == Decimal("40.00")
        assert "D441-5" in indemnity.clause and "L441-10" in interest.clause
        assert interest.total_ht > 0 and interest.vat_rate == 0
        assert penalty.total_vat == Decimal("0.00")


def test_staff_ecb_entries_change_the_rate_and_are_audited():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    indices.enter_ecb_rate(
        now=NOW,
        actor=w["accountant"],
        provider=w["provider"],
        effective=date(2027, 1, 1),
        percent=Decimal("1.75"),
    )
    rate = statutory_rate(date(2027, 1, 2), indices.rate_table_for(w["provider"]))
    assert (rate.ecb_percent, rate.annual_percent) == (Decimal("1.75"), Decimal("11.75"))
    assert AuditEntry.objects.filter(action="ecb_rate.entered").count() == 1
    with pytest.raises(NotAllowed):
        indices.enter_ecb_rate(
            now=NOW,
            actor=w["admin"],
            provider=w["provider"],
            effective=date(2027, 1, 1),
            percent=Decimal("1"),
        )


def test_an_implausible_rate_is_refused():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    with pytest.raises(indices.IndexValueError):
        indices.enter_ecb_rate(
            now=NOW,
            actor=w["owner"],
            provider=w["provider"],
            effective=date(2027, 1, 1),
            percent=Decimal("215"),
        )


def test_the_price_is_revised_by_syntec_at_the_anniversary():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=NOW, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    assert subscription.start_date == date(2026, 1, 5)
    # New-series index 295.0; contract index 268.5 (old series) × 0.97975 = 263.067…
    indices.enter_syntec_index(
        now=NOW,
        actor=w["owner"],
        provider=w["provider"],
        month=date(2026, 11, 1),
        value=Decimal("295.0"),
        published_on=date(2026, 12, 10),
    )
    services.bill_due(now=NOW, until=date(2026, 10, 1))
    subscription.refresh_from_db()
    assert subscription.price_ht == Decimal("300.00")  # before the anniversary: unchanged
    [q1_2027] = services.bill_due(now=NOW, until=date(2027, 1, 1))
    expected = (
        Decimal("300.00") * Decimal("295.0") / (Decimal("268.5") * Decimal("0.97975"))
    ).quantize(Decimal("0.01"))
    # The 2027 Q1 period starts 1 Jan, before the 5 Jan anniversary: still the old price.
    assert q1_2027.lines.get().total_ht == Decimal("300.00")
    [q2_2027] = services.bill_due(now=NOW, until=date(2027, 4, 1))
    assert q2_2027.lines.get().total_ht == expected
    subscription.refresh_from_db()
    assert subscription.revised_on == date(2027, 1, 5)
    assert AuditEntry.objects.filter(action="subscription.revised").exists()
