"""SYNTEC revision (managed hosting art. 8.2): each revision divides by the index the
previous one retained (C. mon. fin. L112-1 al. 2), for every pack version; pack 1.1 takes
the latest index *published* by the anniversary and applies it from the anniversary."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, Subscription
from clausier.core.models import AuditEntry
from clausier.terms import indices
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 1, 5, 9, tzinfo=UTC)  # contract start: anniversaries on 5 January
CENT = Decimal("0.01")
LINK = Decimal("0.97975")


def started(pack_version: str) -> tuple[dict, Subscription]:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW, pack_version)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=NOW, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    return w, subscription


def index(w: dict, month: date, value: str, published_on: date) -> None:
    indices.enter_syntec_index(
        now=NOW,
        actor=w["owner"],
        provider=w["provider"],
        month=month,
        value=Decimal(value),
        published_on=published_on,
    )


def price_after(subscription: Subscription, until: date) -> Decimal:
    services.bill_due(now=NOW, until=until)
    subscription.refresh_from_db()
    return subscription.price_ht


def test_the_second_revision_divides_by_the_first_ones_index_under_pack_1_0() -> None:
    w, subscription = started("1.0")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    first = (Decimal("300.00") * Decimal("295.0") / (Decimal("268.5") * LINK)).quantize(CENT)
    assert price_after(subscription, date(2027, 4, 1)) == first
    assert subscription.retained_index == Decimal("295.0")
    # The index did not move in a year: the amount stays (1.0 used to apply 295/263.06 again).
    index(w, date(2027, 11, 1), "295.0", date(2027, 12, 10))
    assert price_after(subscription, date(2028, 4, 1)) == first
    index(w, date(2028, 11, 1), "300.0", date(2028, 12, 10))
    second = (first * Decimal("300.0") / Decimal("295.0")).quantize(CENT)
    assert price_after(subscription, date(2029, 4, 1)) == second
    revisions = AuditEntry.objects.filter(action="subscription.revised").order_by("pk")
    assert [entry.details["base"] for entry in revisions] == [
        str(Decimal("268.5") * LINK),
        "295.00",
        "295.00",
    ]


def test_a_year_without_an_index_keeps_the_price_and_the_retained_index() -> None:
    w, subscription = started("1.1")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    first = price_after(subscription, date(2027, 4, 1))
    assert price_after(subscription, date(2028, 4, 1)) == first  # nothing new published
    index(w, date(2028, 11, 1), "301.0", date(2028, 12, 10))
    expected = (first * Decimal("301.0") / Decimal("295.0")).quantize(CENT)
    assert price_after(subscription, date(2029, 4, 1)) == expected


@pytest.mark.parametrize(
    ("published_on", "used"),
    [
        (date(2027, 1, 4), "300.00"),  # the day before the anniversary
        (date(2027, 1, 5), "300.00"),  # on the anniversary: published on or before it
        (date(2027, 1, 6), "295.00"),  # the day after: not yet the latest published
    ],
)
def test_pack_1_1_takes_the_latest_index_published_by_the_anniversary(
    published_on: date, used: str
) -> None:
    w, _subscription = started("1.1")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    index(w, date(2026, 12, 1), "300.0", published_on)
    services.bill_due(now=NOW, until=date(2027, 1, 5))
    assert AuditEntry.objects.get(action="subscription.revised").details["index"] == used


def test_pack_1_0_keeps_the_latest_month_whatever_its_publication() -> None:
    w, _subscription = started("1.0")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    index(w, date(2026, 12, 1), "300.0", date(2027, 1, 20))
    services.bill_due(now=NOW, until=date(2027, 4, 1))
    assert AuditEntry.objects.get(action="subscription.revised").details["index"] == "300.00"


def test_pack_1_1_splits_the_quarter_holding_the_anniversary() -> None:
    w, _subscription = started("1.1")
    index(w, date(2026, 11, 1), "295.0", date(2026, 12, 10))
    *_earlier, before = services.bill_due(now=NOW, until=date(2027, 1, 1))
    line = before.lines.get()
    # 1 to 4 January at the old price: 300.00 x 4 / 90 = 13.33.
    assert (line.period_start, line.period_end) == (date(2027, 1, 1), date(2027, 1, 4))
    assert line.total_ht == Decimal("13.33") and "300.00" in line.description
    assert "8.3" in line.clause
    assert services.bill_due(now=NOW, until=date(2027, 1, 4)) == []
    [after] = services.bill_due(now=NOW, until=date(2027, 1, 5))
    revised = (Decimal("300.00") * Decimal("295.0") / (Decimal("268.5") * LINK)).quantize(CENT)
    line = after.lines.get()
    # 5 January to 31 March (86 of 90 days) at the revised price, due on the anniversary.
    assert (line.period_start, line.period_end) == (date(2027, 1, 5), date(2027, 3, 31))
    assert line.total_ht == (revised * 86 / 90).quantize(CENT)
    assert str(revised) in line.description and "8.2" in line.clause
    assert after.due_on == date(2027, 1, 5)
    [april] = services.bill_due(now=NOW, until=date(2027, 4, 1))
    assert april.lines.get().total_ht == revised


def test_an_index_published_before_its_month_is_refused_and_entries_are_audited() -> None:
    w, _subscription = started("1.1")
    with pytest.raises(indices.IndexValueError):
        index(w, date(2026, 11, 1), "295.0", date(2026, 10, 31))
    index(w, date(2026, 11, 1), "295.0", date(2026, 11, 1))
    index(w, date(2026, 11, 1), "295.5", date(2026, 12, 2))
    last = AuditEntry.objects.filter(action="syntec_index.entered").order_by("pk").last()
    assert last is not None
    assert last.details["published_on"] == "2026-12-02"
    assert last.details["previous_published_on"] == "2026-11-01"
    assert last.details["previous"] == "295.00"
