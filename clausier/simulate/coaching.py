"""Coaching & training events: sessions, trainings, OPCO funding, subscriptions."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import cast
from zoneinfo import ZoneInfo

from clausier.core.calendar import add_months
from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, amount, day, instant
from clausier.simulate.state import Session, Subscription, Training
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import (
    AnnouncedIncrease,
    Frequency,
    client_termination,
    client_training_change,
    contract_period,
    contract_start,
    instalment_due_dates,
    opco_billing,
    price_increase,
    provider_training_change,
    rejected_debit_acceleration,
    session_postponement,
    termination_balance,
)


def _zone(pack: Pack) -> ZoneInfo:
    return pack.calendar("calendar.business_days").tz


def _contract_day(pack: Pack, at: datetime) -> date:
    return at.astimezone(_zone(pack)).date()


# -- sessions -------------------------------------------------------------------------------


def session_scheduled(context: Context, event: Event) -> None:
    session = Session(event.id, event.instant("starts_at"))
    context.coaching.sessions[session.id] = session


def _session_change(context: Context, event: Event, action: str, status: str) -> None:
    session = context.coaching.sessions[event.text("session")]
    if session.status != "scheduled":
        raise event.error("session", f"{session.id} was already {session.status}")
    change = session_postponement(session.starts_at, context.now, context.pack)
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "action": action,
        "starts_at": instant(session.starts_at, zone),
        "request_by": instant(change.request_by, zone),
        "outcome": "free" if change.in_time else "late",
        "counted_as_done": change.counted_as_done,
        "billed": change.billed,
    }
    context.emit("session_change", session.id, change.clause, fields)
    session.status = status


def session_postpone_request(context: Context, event: Event) -> None:
    _session_change(context, event, "postpone", "postponed")


def session_cancel(context: Context, event: Event) -> None:
    _session_change(context, event, "cancel", "cancelled")


# -- trainings ------------------------------------------------------------------------------


def training_scheduled(context: Context, event: Event) -> None:
    training = Training(event.id, event.instant("starts_at"), event.decimal("price_ht"))
    hours, half_day = event.values.get("hours"), event.values.get("half_day_minutes")
    if isinstance(hours, Decimal):
        training.hours = hours
    if isinstance(half_day, Decimal):
        training.half_day_minutes = half_day
    context.coaching.trainings[training.id] = training


def _training(context: Context, event: Event) -> Training:
    training = context.coaching.trainings[event.text("training")]
    if training.status != "scheduled":
        raise event.error("training", f"{training.id} was already {training.status}")
    return training


def training_cancel_by_client(context: Context, event: Event) -> None:
    training = _training(context, event)
    starts_on = _contract_day(context.pack, training.starts_at)
    change = client_training_change(starts_on, context.now, context.pack)
    fields: dict[str, JsonValue] = {
        "by": "client",
        "starts_on": day(starts_on),
        "last_day": day(change.last_day),
        "outcome": "billed" if change.billed else "free",
        "billed_amount": amount(training.price_ht if change.billed else Decimal(0)),
    }
    context.emit("training_cancellation", training.id, change.clause, fields)
    training.status = "cancelled"


def training_cancel_by_provider(context: Context, event: Event) -> None:
    training = _training(context, event)
    starts_on = _contract_day(context.pack, training.starts_at)
    result = provider_training_change(starts_on, context.now, context.pack, kind="cancel")
    fields: dict[str, JsonValue] = {
        "by": "provider",
        "starts_on": day(starts_on),
        "last_day": day(result.change.last_day),
        "outcome": "allowed" if result.change.allowed else "refused",
    }
    context.emit("training_cancellation", training.id, result.change.clause, fields)
    if result.change.allowed:
        training.status = "cancelled"


def opco_request(context: Context, event: Event) -> None:
    training = _training(context, event)
    if training.opco_requested is not None:
        raise event.error("training", f"{training.id} already has an opco_request")
    training.opco_requested = event.decimal("amount_ht")


def _emit_opco(context: Context, training: Training, covered: Decimal | None) -> None:
    """`covered` is the agreement's amount; None when no agreement came by the end."""
    assert training.opco_requested is not None
    agreement_at = context.now if covered is not None else None
    covered_ht = training.opco_requested if covered is None else covered
    billing = opco_billing(
        training.price_ht, covered_ht, training.starts_at, agreement_at, context.pack
    )
    zone = context.scenario.zone
    billed_on = billing.client_billed_on
    fields: dict[str, JsonValue] = {
        "price_ht": amount(training.price_ht),
        "requested_ht": amount(training.opco_requested),
        "agreement_at": instant(agreement_at, zone) if agreement_at else None,
        "subrogation": billing.subrogation_allowed,
        "agreement_in_time": billing.agreement_in_time,
        "opco_amount": amount(billing.opco_amount),
        "client_amount": amount(billing.client_amount),
        "client_billed_on": day(billed_on) if billed_on else None,
    }
    context.emit("opco", training.id, billing.clause, fields)
    training.opco_settled = True
    training.covered_ht = covered_ht
    training.agreement_at = agreement_at


def opco_agreement(context: Context, event: Event) -> None:
    training = _training(context, event)
    if training.opco_requested is None:
        raise event.error("training", f"{training.id} has no opco_request before this agreement")
    if training.opco_settled:
        raise event.error("training", f"{training.id} already has an opco_agreement")
    _emit_opco(context, training, event.decimal("covered_ht"))


# -- subscriptions --------------------------------------------------------------------------


def subscription_started(context: Context, event: Event) -> None:
    subscription = Subscription(event.id, event.decimal("instalment_ht"), event.text("periodicity"))
    context.coaching.subscriptions[subscription.id] = subscription


def _started(context: Context, event: Event) -> tuple[Subscription, date]:
    subscription = context.coaching.subscriptions[event.text("subscription")]
    if subscription.start is None:
        raise event.error("subscription", f"{subscription.id} has not started (first_invoice_paid)")
    return subscription, subscription.start


def first_invoice_paid(context: Context, event: Event) -> None:
    pack = context.pack
    subscription = context.coaching.subscriptions[event.text("subscription")]
    if subscription.start is not None:
        raise event.error("subscription", f"{subscription.id} has already started")
    start = contract_start(context.now, pack)
    subscription.start = start.start
    renewal = start.commitment_ends_on
    deadline = add_months(renewal, -pack.months("subscription.termination_notice"))
    fields: dict[str, JsonValue] = {
        "start": day(start.start),
        "end": day(renewal - timedelta(days=1)),
        "renewal_date": day(renewal),
        "notice_deadline": day(deadline),
    }
    context.emit("commitment", subscription.id, start.clause, fields)


def price_increase_announced(context: Context, event: Event) -> None:
    """Art. 8.1: an increase announced by letter; refused by the service without 3 months."""
    subscription, _start = _started(context, event)
    rule = price_increase(context.now, event.day("applies_from"), context.pack)
    if rule.notice_respected:
        subscription.pending_increase = AnnouncedIncrease(context.now, rule.applies_from)
        subscription.new_instalment_ht = event.decimal("new_instalment_ht")
    fields: dict[str, JsonValue] = {
        "new_instalment_ht": amount(event.decimal("new_instalment_ht")),
        "applies_from": day(rule.applies_from),
        "announce_by": day(rule.announce_by),
        "notice_respected": rule.notice_respected,
        "client_may_terminate_until": day(rule.applies_from - timedelta(days=1)),
    }
    context.emit("price_increase", subscription.id, rule.clause, fields)


def termination_notice(context: Context, event: Event) -> None:
    subscription, start = _started(context, event)
    if subscription.notice_given:
        raise event.error("subscription", f"{subscription.id} was already given notice")
    subscription.notice_given = True
    pack, now = context.pack, context.now
    frequency = cast(Frequency, subscription.periodicity)
    pending = subscription.pending_increase
    termination = client_termination(start, now, pack, pending_increase=pending)
    instalment = subscription.instalment_ht
    if pending is not None and termination.notice_on >= pending.applies_from:
        instalment = subscription.new_instalment_ht or instalment
    balance = termination_balance(start, now, frequency, instalment, pack, pending_increase=pending)
    subscription.ends_on = termination.effective_on
    deadline = termination.notice_deadline
    fields: dict[str, JsonValue] = {
        "notice_on": day(termination.notice_on),
        "in_commitment": contract_period(
            start, max(termination.notice_on, start), pack
        ).is_commitment,
        "notice_deadline": day(deadline) if deadline else None,
        "renewed": termination.renewed_first,
        "refuses_increase": termination.refuses_increase,
        "effective_end": day(termination.effective_on - timedelta(days=1)),
        "remaining_due_dates": [day(d) for d in balance.due_dates],
        "remaining_amount": amount(balance.total),
        "remaining_billed": "at_once" if balance.at_once else "at_due_dates",
    }
    context.emit("termination", subscription.id, termination.clause, fields)


def debit_rejected(context: Context, event: Event) -> None:
    subscription, start = _started(context, event)
    pack = context.pack
    today = _contract_day(pack, context.now)
    frequency = cast(Frequency, subscription.periodicity)
    period = contract_period(start, today, pack)
    # The rejected debit is the instalment last due on or before the rejection day.
    rejected_on = max(d for d in instalment_due_dates(start, period, frequency, pack) if d <= today)
    balance = rejected_debit_acceleration(
        start, rejected_on, frequency, subscription.instalment_ht, pack
    )
    fields: dict[str, JsonValue] = {
        "rejected_due_on": day(rejected_on),
        "period_start": day(period.start),
        "due_dates": [day(d) for d in balance.due_dates],
        "amount": amount(balance.total),
    }
    context.emit("acceleration", subscription.id, balance.clause, fields)


def finish(context: Context) -> None:
    """An OPCO request with no agreement by the end: the client is billed in full."""
    for training in context.coaching.trainings.values():
        pending = training.opco_requested is not None and not training.opco_settled
        if training.status == "scheduled" and pending:
            _emit_opco(context, training, None)


HANDLERS: dict[str, Handler] = {
    "session_scheduled": session_scheduled,
    "session_postpone_request": session_postpone_request,
    "session_cancel": session_cancel,
    "training_scheduled": training_scheduled,
    "training_cancel_by_client": training_cancel_by_client,
    "training_cancel_by_provider": training_cancel_by_provider,
    "opco_request": opco_request,
    "opco_agreement": opco_agreement,
    "subscription_started": subscription_started,
    "first_invoice_paid": first_invoice_paid,
    "price_increase_announced": price_increase_announced,
    "termination_notice": termination_notice,
    "debit_rejected": debit_rejected,
}
