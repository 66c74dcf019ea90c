"""Coaching art. 9.1.3 §1 / 17 under pack 1.1: after a notice the remaining instalments
stay invoiced and payable at their own dates; nothing is billed at once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, Periodicity
from clausier.billing.termination import terminate, termination_plan
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


def started(pack_version: str = "1.1", periodicity: str = Periodicity.MONTHLY):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER, pack_version)
    w["plan"].periodicity = periodicity
    w["plan"].save()
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    return w, subscription


def subscription_invoices(subscription):
    return list(
        Invoice.objects.filter(lines__subscription=subscription).distinct().order_by("number")
    )


def test_no_balance_invoice_and_each_instalment_is_billed_on_its_date():
    w, subscription = started()
    notice = datetime(2026, 4, 20, 10, tzinfo=UTC)
    end, balance = terminate(now=notice, actor=w["admin"], subscription=subscription)
    assert (end, balance) == (date(2027, 1, 5), None)
    assert len(subscription_invoices(subscription)) == 4  # Jan (first), Feb, Mar, Apr
    # The day before the May instalment nothing new; on its day, exactly that one.
    assert services.bill_due(now=notice, until=date(2026, 5, 4)) == []
    [may] = services.bill_due(now=notice, until=date(2026, 5, 5))
    assert may.due_on == date(2026, 5, 5) and may.total_ht == Decimal("390.00")
    [line] = may.lines.all()
    assert line.clause.startswith("Art. 8.2.3")
    rest = services.bill_due(now=notice, until=date(2027, 6, 1))
    assert [i.due_on for i in rest] == [date(2026, m, 5) for m in range(6, 13)]
    assert services.bill_due(now=notice, until=date(2028, 1, 1)) == []


@pytest.mark.parametrize(
    ("notice_day", "first_remaining", "count"),
    [
        (date(2026, 5, 4), date(2026, 5, 5), 8),  # the day before an instalment: it remains
        (date(2026, 5, 5), date(2026, 6, 5), 7),  # on its day: an ordinary invoice already
        (date(2026, 5, 6), date(2026, 6, 5), 7),
    ],
)
def test_the_plan_lists_what_remains_around_a_due_date(notice_day, first_remaining, count):
    _w, subscription = started()
    now = datetime.combine(notice_day, datetime.min.time(), tzinfo=UTC).replace(hour=12)
    plan = termination_plan(now=now, subscription=subscription)
    assert not plan.at_once and plan.end == date(2027, 1, 5)
    assert plan.remaining[0].due_on == first_remaining
    assert len(plan.remaining) == count
    assert plan.total_ht == Decimal("390.00") * count
    assert plan.remaining[-1].due_on == date(2026, 12, 5)
    assert plan.remaining[-1].last_day == date(2027, 1, 4)


def test_quarterly_instalments_keep_their_quarterly_dates():
    w, subscription = started(periodicity=Periodicity.QUARTERLY)
    plan = termination_plan(now=datetime(2026, 2, 1, 9, tzinfo=UTC), subscription=subscription)
    assert [i.due_on for i in plan.remaining] == [
        date(2026, 4, 5),
        date(2026, 7, 5),
        date(2026, 10, 5),
    ]
    terminate(now=datetime(2026, 2, 1, 9, tzinfo=UTC), actor=w["admin"], subscription=subscription)
    issued = services.bill_due(now=ORDER, until=date(2027, 6, 1))
    assert [i.due_on for i in issued] == [date(2026, 4, 5), date(2026, 7, 5), date(2026, 10, 5)]


def test_pack_1_0_keeps_its_reading_one_invoice_on_the_notice_day():
    w, subscription = started(pack_version="1.0")
    plan = termination_plan(now=datetime(2026, 4, 20, 10, tzinfo=UTC), subscription=subscription)
    assert plan.at_once and len(plan.remaining) == 8
    _end, balance = terminate(
        now=datetime(2026, 4, 20, 10, tzinfo=UTC), actor=w["admin"], subscription=subscription
    )
    assert balance is not None and balance.total_ht == Decimal("3120.00")


def test_force_majeure_still_releases_the_balance_under_1_1():
    w, subscription = started()
    _end, balance = terminate(
        now=datetime(2026, 4, 20, 10, tzinfo=UTC),
        actor=w["admin"],
        subscription=subscription,
        force_majeure=True,
    )
    assert balance is None
    assert services.bill_due(now=ORDER, until=date(2027, 6, 1)) == []


def test_a_late_notice_after_the_commitment_bills_the_next_period_at_its_dates():
    w, subscription = started()
    # Renewal on 5 January 2028; the art. 17 deadline was 5 November 2027: one day late.
    notice = datetime(2027, 11, 6, 10, tzinfo=UTC)
    end, balance = terminate(now=notice, actor=w["admin"], subscription=subscription)
    assert (end, balance) == (date(2029, 1, 5), None)
    issued = services.bill_due(now=notice, until=date(2029, 6, 1))
    assert len(issued) == 13 and issued[-1].due_on == date(2028, 12, 5)
    assert all(line.clause.startswith("Art. 8.2.3") for i in issued for line in i.lines.all())
