"""Art. 9.1.3 §2: the rest of the 12-month period billed in one invoice, once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, Periodicity, Subscription
from clausier.billing.subscriptions import acceleration
from tests.billing.builders import billing_world, coaching_plan
from tests.billing.payloads import ORDER, at, coaching_client_on_direct_debit

pytestmark = pytest.mark.django_db


def test_it_bills_only_instalments_the_billing_run_has_not_billed_yet():
    w = coaching_client_on_direct_debit()
    third = services.bill_next_period(now=at(date(2026, 4, 1)), subscription=w["subscription"])
    accelerated = acceleration.accelerate_after_rejection(
        now=at(date(2026, 4, 2)), invoice=w["second"]
    )
    assert accelerated is not None
    starts = [line.period_start for line in accelerated.lines.all()]
    assert starts[0] == date(2026, 5, 15)  # 15 April is on its own invoice
    assert len(starts) == 9
    assert third.lines.get().period_start == date(2026, 4, 15)


def test_it_is_done_once_per_rejected_invoice():
    w = coaching_client_on_direct_debit()
    first = acceleration.accelerate_after_rejection(now=at(date(2026, 3, 18)), invoice=w["second"])
    again = acceleration.accelerate_after_rejection(now=at(date(2026, 3, 19)), invoice=w["second"])
    assert first == again
    assert Invoice.objects.filter(idempotency_key__startswith="acceleration:").count() == 1


def test_the_last_instalment_of_the_period_leaves_nothing_to_accelerate():
    w = coaching_client_on_direct_debit()
    subscription = w["subscription"]
    last = None
    while subscription.billed_until < date(2027, 2, 15):
        last = services.bill_next_period(
            now=at(subscription.billed_until), subscription=subscription
        )
    assert last is not None
    assert acceleration.accelerate_after_rejection(now=at(date(2027, 1, 20)), invoice=last) is None


def test_a_quarterly_plan_bills_its_remaining_quarters():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    plan = coaching_plan(
        w["provider"], code="trim", periodicity=Periodicity.QUARTERLY, price_ht=Decimal("900.00")
    )
    subscription = services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=plan)
    first = Invoice.objects.get(lines__subscription=subscription)
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="V"
    )
    subscription = Subscription.objects.get(pk=subscription.pk)
    second = services.bill_next_period(now=at(date(2026, 5, 1)), subscription=subscription)
    accelerated = acceleration.accelerate_after_rejection(now=at(date(2026, 5, 20)), invoice=second)
    assert accelerated is not None
    assert [line.period_start for line in accelerated.lines.all()] == [
        date(2026, 8, 15),
        date(2026, 11, 15),
    ]
    assert [line.period_end for line in accelerated.lines.all()] == [
        date(2026, 11, 14),
        date(2027, 2, 14),
    ]
    assert accelerated.total_ht == Decimal("1800.00")


def test_hosting_invoices_are_never_accelerated():
    w = coaching_client_on_direct_debit(ServiceLine.MANAGED_HOSTING)
    assert (
        acceleration.accelerate_after_rejection(now=at(date(2026, 4, 5)), invoice=w["second"])
        is None
    )
