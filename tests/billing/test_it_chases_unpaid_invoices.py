"""Reminders, formal notice and termination for non-payment (managed hosting art. 8.3),
invoice disputes within ten days (coaching art. 8.3)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import DisputeOutcome, Invoice, SubscriptionStatus
from clausier.billing.payments import dunning
from clausier.notify.models import OutboxMessage
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


@pytest.fixture
def unpaid_q2():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    return w, subscription, q2  # due 1 April 2026


@pytest.mark.parametrize(
    ("day", "reminders"), [(date(2026, 4, 1), 0), (date(2026, 4, 2), 1), (date(2026, 4, 9), 1)]
)
def test_reminders_start_the_day_after_the_due_date(unpaid_q2, day, reminders):
    assert dunning.send_reminders(at(day)) == reminders
    assert dunning.send_reminders(at(day)) == 0  # once per level


def test_each_level_is_sent_once_and_a_paid_invoice_is_left_alone(unpaid_q2):
    _w, _subscription, q2 = unpaid_q2
    for day in range(2, 20):
        dunning.send_reminders(at(date(2026, 4, day)))
    keys = OutboxMessage.objects.filter(template="payment_reminder").values_list(
        "idempotency_key", flat=True
    )
    assert sorted(int(k.split(":")[2]) for k in keys) == [1, 8, 15]
    services.record_payment(
        now=at(date(2026, 4, 25)),
        invoice=q2,
        amount=q2.total_ttc,
        method="transfer",
        reference="late",
    )
    dunning.send_reminders(at(date(2026, 5, 30)))
    # The late-payment invoice issued with that payment is chased in turn; q2 is not.
    q2_keys = OutboxMessage.objects.filter(idempotency_key__startswith=f"dunning:{q2.pk}:")
    assert q2_keys.count() == 3


def test_interventions_are_suspendable_from_the_day_after_the_due_date(unpaid_q2):
    w, _subscription, _q2 = unpaid_q2
    assert dunning.interventions_suspended(w["client"], at(date(2026, 4, 1))) is False
    assert dunning.interventions_suspended(w["client"], at(date(2026, 4, 2))) is True


def test_termination_comes_fifteen_days_after_the_formal_notice(unpaid_q2):
    w, _subscription, q2 = unpaid_q2
    with pytest.raises(BillingError, match="mise en demeure"):
        dunning.terminate_for_non_payment(now=at(date(2026, 5, 1)), actor=w["owner"], invoice=q2)
    dunning.record_formal_notice(
        now=at(date(2026, 4, 10)),
        actor=w["accountant"],
        invoice=q2,
        presented_on=at(date(2026, 4, 10)),
    )
    with pytest.raises(BillingError, match="26/04/2026"):
        dunning.terminate_for_non_payment(now=at(date(2026, 4, 25)), actor=w["owner"], invoice=q2)
    with pytest.raises(NotAllowed):
        dunning.terminate_for_non_payment(
            now=at(date(2026, 4, 26)), actor=w["accountant"], invoice=q2
        )
    ended = dunning.terminate_for_non_payment(
        now=at(date(2026, 4, 26)), actor=w["owner"], invoice=q2
    )
    assert (ended.status, ended.end_date) == (SubscriptionStatus.TERMINATED, date(2026, 4, 26))


@pytest.mark.parametrize(
    ("delay", "outcome"),
    [(timedelta(days=10), DisputeOutcome.ACCEPTED), (timedelta(days=11), DisputeOutcome.TOO_LATE)],
)
def test_coaching_invoices_are_disputable_for_ten_days(delay, outcome):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    invoice = Invoice.objects.get()
    record = dunning.dispute(
        now=ORDER + delay, person=w["admin"], invoice=invoice, reason="Montant erroné"
    )
    assert record.outcome == outcome
    assert record.clause.startswith("Art. 8.3")


def test_only_the_client_admin_disputes(unpaid_q2):
    w, _subscription, q2 = unpaid_q2
    with pytest.raises(NotAllowed):
        dunning.dispute(now=ORDER, person=w["accountant"], invoice=q2, reason="x")
