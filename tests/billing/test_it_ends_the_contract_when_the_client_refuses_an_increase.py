"""Coaching art. 8.1 through `terminate()`: a notice given after an increase was announced
and before it applies ends the contract that day, with no early-termination balance."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, PriceChange
from clausier.billing.subscriptions import price_changes
from clausier.billing.termination import terminate, termination_plan
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


@pytest.fixture(params=["1.0", "1.1"])
def announced(request):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER, request.param)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    change = price_changes.announce(
        now=datetime(2026, 2, 1, 9, tzinfo=UTC),
        actor=w["owner"],
        subscription=subscription,
        new_price_ht=Decimal("450.00"),
        applies_from=date(2026, 6, 5),
    )
    return w, subscription, change, request.param


def test_the_contract_ends_when_the_new_price_would_apply(announced):
    w, subscription, change, version = announced
    notice = datetime(2026, 4, 20, 10, tzinfo=UTC)
    plan = termination_plan(now=notice, subscription=subscription)
    assert plan.refused_increase == change
    assert plan.clause.startswith("Art. 8.1")
    assert [(i.due_on, i.amount_ht) for i in plan.remaining] == [
        (date(2026, 5, 5), Decimal("390.00"))
    ]
    end, balance = terminate(now=notice, actor=w["admin"], subscription=subscription)
    assert end == date(2026, 6, 5)
    later = services.bill_due(now=notice, until=date(2027, 6, 1))
    billed = [line for i in [balance, *later] if i for line in i.lines.all()]
    # Only the May instalment, at the old price: nothing at 450, no commitment balance.
    assert sum(line.total_ht for line in billed) == Decimal("390.00")
    assert (balance is None) is (version == "1.1")
    assert not PriceChange.objects.get(pk=change.pk).applied


def test_a_notice_on_the_day_the_new_price_applies_is_an_ordinary_one(announced):
    _w, subscription, _change, _version = announced
    notice = datetime(2026, 6, 5, 10, tzinfo=UTC)
    plan = termination_plan(now=notice, subscription=subscription)
    assert plan.refused_increase is None and plan.end == date(2027, 1, 5)
    assert plan.clause.startswith("Art. 9.1.3")


def test_the_day_before_the_new_price_is_still_a_refusal_with_nothing_more_billed(announced):
    w, subscription, _change, _version = announced
    # The last period at the old price (5 May - 4 June) was invoiced in May: it runs to its
    # end, which is the day before the increase, and nothing is billed after.
    notice = datetime(2026, 6, 4, 20, tzinfo=UTC)
    end, _balance = terminate(now=notice, actor=w["admin"], subscription=subscription)
    assert end == date(2026, 6, 5)
    assert services.bill_due(now=notice, until=date(2027, 6, 1)) == []
