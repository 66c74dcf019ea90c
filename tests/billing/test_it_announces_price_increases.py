"""Price increases announced three months ahead (coaching art. 8.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import Invoice
from clausier.billing.subscriptions import price_changes
from clausier.notify.models import OutboxMessage
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture
def coaching():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    return w, subscription


@pytest.mark.parametrize(("announced", "ok"), [(date(2026, 3, 5), True), (date(2026, 3, 6), False)])
def test_three_months_notice_to_the_day(coaching, announced, ok):
    w, subscription = coaching
    at = datetime(announced.year, announced.month, announced.day, 10, tzinfo=UTC)
    announce = lambda: price_changes.announce(  # noqa: E731
        now=at,
        actor=w["owner"],
        subscription=subscription,
        new_price_ht=Decimal("420.00"),
        applies_from=date(2026, 6, 5),
    )
    if ok:
        change = announce()
        assert change.clause.startswith("Art. 8.1")
        message = OutboxMessage.objects.get(template="price_increase")
        # The recipient reads French: amounts and dates in French formats (core.formatting).
        assert "420,00\u00a0€" in message.body and "5 juin 2026" in message.body
        assert message.subject.endswith("au 5 juin 2026")
    else:
        with pytest.raises(BillingError, match="Préavis insuffisant"):
            announce()


def test_the_new_price_applies_from_its_date(coaching):
    w, subscription = coaching
    price_changes.announce(
        now=datetime(2026, 2, 1, tzinfo=UTC),
        actor=w["owner"],
        subscription=subscription,
        new_price_ht=Decimal("420.00"),
        applies_from=date(2026, 6, 5),
    )
    invoices = services.bill_due(now=ORDER, until=date(2026, 7, 5))
    amounts = [(i.lines.get().period_start, i.lines.get().total_ht) for i in invoices]
    assert amounts[-3:] == [
        (date(2026, 5, 5), Decimal("390.00")),
        (date(2026, 6, 5), Decimal("420.00")),
        (date(2026, 7, 5), Decimal("420.00")),
    ]


def test_only_the_owner_announces_and_only_increases(coaching):
    w, subscription = coaching
    with pytest.raises(NotAllowed):
        price_changes.announce(
            now=ORDER,
            actor=w["accountant"],
            subscription=subscription,
            new_price_ht=Decimal("500"),
            applies_from=date(2027, 1, 5),
        )
    with pytest.raises(BillingError, match="Seule une hausse"):
        price_changes.announce(
            now=ORDER,
            actor=w["owner"],
            subscription=subscription,
            new_price_ht=Decimal("100"),
            applies_from=date(2027, 1, 5),
        )


@pytest.mark.parametrize(
    ("applies_from", "refused"),
    [(date(2027, 1, 4), False), (date(2027, 1, 5), True), (date(2027, 1, 6), True)],
)
def test_no_increase_is_announced_past_the_end_of_a_terminated_contract(
    coaching, applies_from, refused
):
    w, subscription = coaching
    # Terminated at the end of the twelve-month commitment: the contract ends 5 January 2027.
    subscription.end_date = date(2027, 1, 5)
    subscription.save(update_fields=["end_date"])
    announce = lambda: price_changes.announce(  # noqa: E731
        now=datetime(2026, 6, 1, 10, tzinfo=UTC),
        actor=w["owner"],
        subscription=subscription,
        new_price_ht=Decimal("420.00"),
        applies_from=applies_from,
    )
    if refused:
        with pytest.raises(BillingError, match=r"prend fin le 05/01/2027.*\(Art\. 8\.1") as refusal:
            announce()
        assert refusal.value.code == "ends_before_increase"
        assert not OutboxMessage.objects.filter(template="price_increase").exists()
    else:
        assert announce().applies_from == applies_from
