"""The application's interruptions and the end of access (coaching contract art. 7.2.2,
7.3, 7.4): events `outage`, `app_maintenance`, `app_maintenance_cancel` and `access_end`.

Event names are one namespace across the contracts (the hosting `maintenance` of art. 6
already exists), hence `app_maintenance`. The handlers build the same unsaved rows the
services store and call the same functions on them: `coaching.access.interruption_extension`
(what `training.interruptions.apply_interruption` grants each enrolment), its day rounding
`training.interruptions.extension_days`, the access window `training.access.window_of`, and
`coaching.access.access_end`, and `coaching.interruptions.cancel_refusal` for calling a
maintenance off. Nothing is saved: the rows only carry the values.
"""

from __future__ import annotations

from clausier.accounts.models import Provider
from clausier.billing.models import Subscription as SubscriptionRow
from clausier.coaching import access as coaching_access
from clausier.coaching.interruptions import cancel_refusal
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, day, instant
from clausier.simulate.state import AppMaintenance
from clausier.terms.rules.coaching_training import maintenance_notice, outage_outcome
from clausier.training import access as training_access
from clausier.training.interruptions import extension_days

# The training's default access (`Training.access_days`, art. 7.2.1): the simulator's
# trainings do not set it.
ACCESS_DAYS = 90


def _check_period(event: Event) -> None:
    if event.instant("end") <= event.instant("start"):
        raise event.error("end", "must be after start")


def _extend(context: Context, event: Event, row: ServiceInterruption) -> list[JsonValue]:
    """Each enrolment whose access was open when `row` began gets its days, once, in the
    order the interruptions come (as `apply_interruption` applies them)."""
    extensions: list[JsonValue] = []
    zone = context.scenario.zone
    for enrolment in context.coaching.enrolments.values():
        training = context.coaching.trainings[enrolment.training]
        if training.status != "scheduled" or enrolment.enrolled_at is None:
            continue
        if enrolment.enrolled_at > row.starts_at:
            continue
        window = training_access.window_of(
            enrolment.enrolled_at, training.starts_at, ACCESS_DAYS, enrolment.extended_days
        )
        if not window.open_at(row.starts_at):
            continue
        added, clause = coaching_access.interruption_extension(row, context.pack, context.now)
        if not added:
            continue
        days = extension_days(added)
        enrolment.extended_days += days
        after = training_access.window_of(
            enrolment.enrolled_at, training.starts_at, ACCESS_DAYS, enrolment.extended_days
        )
        extensions.append(
            {
                "enrolment": enrolment.id,
                "participant": enrolment.participant,
                "days": days,
                "closed_at": instant(window.closes_at, zone),
                "closes_at": instant(after.closes_at, zone),
                "clause": clause,
            }
        )
    return extensions


def outage(context: Context, event: Event) -> None:
    """Art. 7.3: a malfunction recorded once fixed; past 48 business hours, the trainings'
    e-learning access is extended by the whole unavailability."""
    _check_period(event)
    start, end = event.instant("start"), event.instant("end")
    if end > context.now:
        raise event.error("end", "an outage is recorded once fixed: its end is not in the future")
    row = ServiceInterruption(
        provider=Provider(holiday_subdivision=""),
        kind=InterruptionKind.OUTAGE,
        starts_at=start,
        ends_at=end,
        scope=event.text("scope"),
        cause=event.text("cause"),
    )
    outcome = outage_outcome(start, end, context.pack, context.now)
    zone = context.scenario.zone
    extensions = _extend(context, event, row) if outcome.late else []
    fields: dict[str, JsonValue] = {
        "start": instant(start, zone),
        "end": instant(end, zone),
        "scope": row.scope,
        "cause": row.cause,
        "fix_deadline": instant(outcome.fix_deadline, zone),
        "fixed_late": outcome.late,
        "unavailability_minutes": int(outcome.unavailability.total_seconds() // 60),
        "outcome": "extended" if extensions else "none",
        "extensions": extensions,
    }
    context.emit("outage", event.id, outcome.clause, fields)


def app_maintenance(context: Context, event: Event) -> None:
    """Art. 7.4: a maintenance of the coaching application announced at `announced_at`;
    refused (as `coaching.interruptions.schedule_maintenance` refuses it) when announced
    less than 48 hours ahead unless `emergency`; else accepted, and the trainings get its
    duration back when it ends."""
    _check_period(event)
    start, end = event.instant("start"), event.instant("end")
    announced = event.instant("announced_at")
    if announced >= start:
        raise event.error("announced_at", "a maintenance is announced before it starts")
    emergency = event.flag("emergency")
    notice = maintenance_notice(start, end, announced, context.pack)
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "start": instant(start, zone),
        "end": instant(end, zone),
        "announced_at": instant(announced, zone),
        "announce_by": instant(notice.announce_by, zone),
        "announced_in_time": notice.announced_in_time,
        "emergency": emergency,
    }
    if not notice.announced_in_time and not emergency:
        fields.update(outcome="refused", refused_because="maintenance_notice_too_short")
        context.emit("app_maintenance", event.id, notice.clause, fields)
        return
    row = ServiceInterruption(
        provider=Provider(holiday_subdivision=""),
        kind=InterruptionKind.MAINTENANCE,
        starts_at=start,
        ends_at=end,
        announced_at=announced,
        emergency=emergency,
    )
    # The duration is planned, so the extension is known now; it is granted at the end
    # (`extended_at`), to the enrolments open at the start that exist when it is announced.
    extensions = _extend(context, event, row)
    context.coaching.maintenances[event.id] = AppMaintenance(
        event.id,
        start,
        end,
        {str(e["enrolment"]): int(e["days"]) for e in extensions if isinstance(e, dict)},
    )
    fields.update(outcome="accepted", extended_at=instant(end, zone), extensions=extensions)
    context.emit("app_maintenance", event.id, notice.clause, fields)


def app_maintenance_cancel(context: Context, event: Event) -> None:
    """Art. 7.4: staff call an accepted maintenance off before it starts; it interrupts
    and extends nothing, so the access days it was to grant are withdrawn. Under way, over
    or already called off: refused with the service's code."""
    ref = event.text("maintenance")
    planned = context.coaching.maintenances.get(ref)
    if planned is None:
        raise event.error("maintenance", f"{ref} was refused: there is nothing to call off")
    row = ServiceInterruption(
        kind=InterruptionKind.MAINTENANCE,
        starts_at=planned.starts_at,
        ends_at=planned.ends_at,
        cancelled_at=planned.cancelled_at,
    )
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "start": instant(planned.starts_at, zone),
        "end": instant(planned.ends_at, zone),
    }
    clause = context.pack.clause("maintenance.notice")
    refusal = cancel_refusal(row, context.now)
    if refusal is not None:
        fields.update(outcome="refused", refused_because=refusal.code)
        context.emit("app_maintenance_cancel", ref, clause, fields)
        return
    planned.cancelled_at = context.now
    withdrawn: list[JsonValue] = []
    for enrolment_id, days in planned.granted.items():
        context.coaching.enrolments[enrolment_id].extended_days -= days
        withdrawn.append({"enrolment": enrolment_id, "days": days})
    fields.update(outcome="cancelled", extensions_withdrawn=withdrawn)
    context.emit("app_maintenance_cancel", ref, clause, fields)


def access_end(context: Context, event: Event) -> None:
    """Art. 7.2.2: the instant a terminated subscription's access ends, by
    `coaching.access.access_end` (midnight after the last day, in the contract's zone)."""
    subscription = context.coaching.subscriptions[event.text("subscription")]
    if subscription.ends_on is None:
        raise event.error("subscription", f"{subscription.id} has no termination_notice yet")
    row = SubscriptionRow(end_date=subscription.ends_on)
    end = coaching_access.access_end(row, context.pack)
    assert end is not None
    fields: dict[str, JsonValue] = {
        "contract_ends_on": day(subscription.ends_on),
        "last_day": day(end.last_day),
        "access_until": instant(end.until, context.scenario.zone),
        "ended": context.now >= end.until,
    }
    clause = context.pack.clause("access.after_subscription_termination")
    context.emit("access_end", subscription.id, clause, fields)


HANDLERS: dict[str, Handler] = {
    "outage": outage,
    "app_maintenance": app_maintenance,
    "app_maintenance_cancel": app_maintenance_cancel,
    "access_end": access_end,
}
