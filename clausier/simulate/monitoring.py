"""Monitoring events (art. 3.2, 6, 14) through the monitor's own rules: the state machine
(`monitoring.statemachine.process`), the escalation rule (`monitoring.escalation`) and
the availability computation (`monitoring.sla`). Nothing here re-implements them.

Events: service_defined, check_result, downtime, acknowledgement, maintenance_windows,
maintenance. Results: state_change, alert, escalation, availability (per service and per
server and month), maintenance_windows and maintenance (declared or scheduled, or refused
with the code the API gives), through `monitoring.windows`, the rules
`services.maintenance.declare_windows` and `schedule_maintenance` apply.
"""

from __future__ import annotations

from datetime import date, datetime

from clausier.core.calendar import add_months, local_midnight
from clausier.monitoring import sla
from clausier.monitoring import statemachine as sm
from clausier.monitoring import windows as maintenance_rules
from clausier.monitoring.escalation import critical_kinds, escalation_due
from clausier.probes.result import State
from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, instant, month, percent
from clausier.simulate.state import Escalation, WatchedService, Window
from clausier.terms.rules.managed_hosting import office_calendar
from clausier.terms.zone import contract_zone

CLIENT_AND_PROVIDER = ["client", "provider"]


def _count(event: Event, name: str, low: int) -> int:
    value = event.decimal(name)
    if value != value.to_integral_value() or value < low:
        raise event.error(name, f"must be a whole number, at least {low}")
    return int(value)


def service_defined(context: Context, event: Event) -> None:
    if event.id in context.monitoring.services:
        raise event.error("id", f"{event.id} is already defined")
    context.monitoring.services[event.id] = WatchedService(
        id=event.id,
        server=event.text("server"),
        check=event.text("check").lower(),
        max_check_attempts=_count(event, "max_check_attempts", 1),
        check_interval=_count(event, "check_interval", 1),
        retry_interval=_count(event, "retry_interval", 1),
        escalate_in_hno=event.flag("escalate_in_hno"),
    )


def _host_check(context: Context, server: str) -> WatchedService | None:
    return next(
        (
            s
            for s in context.monitoring.services.values()
            if s.server == server and s.check == "ping"
        ),
        None,
    )


def _reachable(context: Context, service: WatchedService) -> bool:
    host = _host_check(context, service.server)
    if host is None or host is service or not host.state.has_result:
        return True
    return sm.host_is_up(host.state.last_hard_state)


def _in_downtime(context: Context, server: str, at: datetime) -> bool:
    return any(w.server == server and w.start <= at < w.end for w in context.monitoring.downtimes)


def _emit_alert(
    context: Context, service: WatchedService, kind: str, recipients: list[str], at: datetime
) -> None:
    state = service.state.last_hard_state
    fields: dict[str, JsonValue] = {
        "service": service.id,
        "server": service.server,
        "notification": kind,
        "state": _label(service, state),
        "recipients": list(recipients),
    }
    context.emit("alert", service.id, context.pack.clause("escalation.hno_services"), fields, at=at)


def _label(service: WatchedService, state: State) -> str:
    if service.check == "ping":
        return "UP" if sm.host_is_up(state) else "DOWN"
    return state.name


def _schedule(context: Context, service: WatchedService, raised_at: datetime) -> None:
    due = escalation_due(
        raised_at,
        service.check,
        service.state.last_hard_state == State.CRITICAL,
        context.pack,
        office_calendar(context.pack, context.scenario.seat),
        escalate_in_hno=service.escalate_in_hno,
    )
    assert service.problem_at is not None
    service.escalation = Escalation(due.due, service.problem_at, due.clause)


def _close_escalation(
    context: Context,
    service: WatchedService,
    *,
    sent_at: datetime | None = None,
    suppressed_by: str | None = None,
) -> None:
    escalation = service.escalation
    if escalation is None:
        return
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "service": service.id,
        "due": instant(escalation.due, zone),
        "sent_at": instant(sent_at, zone) if sent_at else None,
        "suppressed_by": suppressed_by,
    }
    clause = context.pack.clause("escalation.after")
    context.emit("escalation", service.id, clause, fields, at=sent_at or context.now)
    service.escalation = None


def _catch_up(context: Context, until: datetime) -> None:
    """What fell due before `until`: escalations, ends of downtimes."""
    for window in sorted(context.monitoring.downtimes, key=lambda w: w.end):
        if window.ended or window.end > until:
            continue
        window.ended = True
        for service in context.monitoring.services.values():
            if (
                service.server == window.server
                and service.problem_at is not None
                and service.problem_recipients is None
                and not _in_downtime(context, service.server, window.end)
                and _reachable(context, service)
            ):
                service.problem_recipients = list(CLIENT_AND_PROVIDER)
                _emit_alert(context, service, "problem", CLIENT_AND_PROVIDER, window.end)
                _schedule(context, service, window.end)
    for service in context.monitoring.services.values():
        escalation = service.escalation
        if escalation is None or escalation.due > until:
            continue
        if _in_downtime(context, service.server, escalation.due):
            continue
        _close_escalation(context, service, sent_at=escalation.due)


def check_result(context: Context, event: Event) -> None:
    _catch_up(context, context.now)
    service = context.monitoring.services[event.text("service")]
    transition = sm.process(
        service.state,
        State[event.text("state")],
        context.now,
        max_check_attempts=service.max_check_attempts,
        reachable=_reachable(context, service),
        in_downtime=_in_downtime(context, service.server, context.now),
        acknowledged=service.acknowledged,
    )
    service.state = current = transition.current
    if transition.recorded:
        fields: dict[str, JsonValue] = {
            "service": service.id,
            "state": _label(service, current.state),
            "state_type": current.state_type.upper(),
            "attempt": current.attempt,
            "hard_change": transition.hard_changed,
            "reachable": transition.reachable,
            "output": event.text("output"),
        }
        context.emit(
            "state_change", service.id, context.pack.clause("escalation.hno_services"), fields
        )
    if transition.hard_changed:
        problem = current.last_hard_state in (State.CRITICAL, State.UNKNOWN)
        service.hard_history.append((context.now, problem))
    _follow(context, service, transition)


def _follow(context: Context, service: WatchedService, transition: sm.Transition) -> None:
    current = transition.current
    recovered = transition.hard_changed and current.last_hard_state == State.OK
    if transition.hard_changed and not recovered:
        if service.escalation is not None:
            _close_escalation(context, service, suppressed_by="superseded")
        service.problem_at, service.problem_recipients, service.acknowledged = (
            context.now,
            None,
            False,
        )
    kind = transition.notify
    if kind in (
        sm.NotificationKind.PROBLEM,
        sm.NotificationKind.FLAPPING_START,
        sm.NotificationKind.FLAPPING_END,
    ):
        if kind == sm.NotificationKind.PROBLEM:
            service.problem_recipients = list(CLIENT_AND_PROVIDER)
        _emit_alert(context, service, str(kind), CLIENT_AND_PROVIDER, context.now)
    elif kind == sm.NotificationKind.RECOVERY and service.problem_recipients:
        _emit_alert(context, service, "recovery", service.problem_recipients, context.now)
    # In a downtime the alert and its escalation wait for the downtime's end.
    in_downtime = transition.suppressed_by == sm.Suppression.DOWNTIME
    if transition.hard_changed and not recovered and transition.reachable and not in_downtime:
        _schedule(context, service, context.now)
    if recovered:
        _close_escalation(context, service, suppressed_by="recovered")
        service.problem_at, service.problem_recipients, service.acknowledged = None, None, False


def downtime(context: Context, event: Event) -> None:
    start, end = event.instant("start"), event.instant("end")
    if end <= start:
        raise event.error("end", "must be after start")
    _catch_up(context, context.now)
    context.monitoring.downtimes.append(Window(event.text("server"), start, end))


def acknowledgement(context: Context, event: Event) -> None:
    _catch_up(context, context.now)
    service = context.monitoring.services[event.text("service")]
    if service.problem_at is None:
        raise event.error("service", f"{service.id} has no problem to acknowledge")
    if service.acknowledged:
        raise event.error("service", f"{service.id}'s problem is already acknowledged")
    service.acknowledged = True
    _close_escalation(context, service, suppressed_by="acknowledged")


_DAY_NAMES = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def maintenance_windows(context: Context, event: Event) -> None:
    """The client declares a server's two weekly windows (art. 6): validated by
    `monitoring.windows.validate`, as `declare_windows` does; a refusal is a result."""
    _catch_up(context, context.now)
    server = event.text("server")
    slots = event.values["windows"]
    assert isinstance(slots, tuple)
    given = [maintenance_rules.WeeklyWindow(day, start) for day, start in slots]
    clause = context.pack.clause("client.maintenance_slots_per_week")
    fields: dict[str, JsonValue] = {
        "server": server,
        "windows": [f"{_DAY_NAMES[w.weekday]} {w.start:%H:%M}" for w in given],
    }
    try:
        valid = maintenance_rules.validate(given)
    except maintenance_rules.WindowError as exc:
        fields.update(outcome="refused", refused_because=exc.code, message=exc.message)
        context.emit("maintenance_windows", server, clause, fields)
        return
    context.monitoring.maintenance_windows[server] = valid
    zone = contract_zone(context.pack)
    upcoming = maintenance_rules.next_occurrence(valid, zone, context.now)
    fields.update(
        outcome="declared",
        zone=zone.key,
        next_window=None
        if upcoming is None
        else [
            instant(upcoming[0], context.scenario.zone),
            instant(upcoming[1], context.scenario.zone),
        ],
    )
    context.emit("maintenance_windows", server, clause, fields)


def maintenance(context: Context, event: Event) -> None:
    """The provider schedules a maintenance needing a service restart (art. 6): allowed
    by `monitoring.windows.check_maintenance`, as `schedule_maintenance` does; it then
    becomes a downtime (alerts suppressed, a problem still present at its end alerted)
    and the client's notice goes out now. A refusal is a result with the API's code."""
    _catch_up(context, context.now)
    server = event.text("server")
    start, end = event.instant("start"), event.instant("end")
    zone = context.scenario.zone
    clause = context.pack.clause("client.maintenance_slots_per_week")
    fields: dict[str, JsonValue] = {
        "server": server,
        "start": instant(start, zone),
        "end": instant(end, zone),
        "reason": event.text("reason"),
    }
    try:
        maintenance_rules.check_maintenance(
            context.monitoring.maintenance_windows.get(server, []),
            contract_zone(context.pack),
            start,
            end,
            context.now,
        )
    except maintenance_rules.WindowError as exc:
        fields.update(outcome="refused", refused_because=exc.code, message=exc.message)
        context.emit("maintenance", server, clause, fields)
        return
    context.monitoring.downtimes.append(Window(server, start, end))
    fields.update(
        outcome="scheduled", notice_at=instant(context.now, zone), notice_to=CLIENT_AND_PROVIDER
    )
    context.emit("maintenance", server, clause, fields)


def _months(
    start: datetime, end: datetime, context: Context
) -> list[tuple[date, datetime, datetime]]:
    zone = context.scenario.zone
    first = start.astimezone(zone).date().replace(day=1)
    out: list[tuple[date, datetime, datetime]] = []
    while True:
        lo, hi = local_midnight(first, zone), local_midnight(add_months(first, 1), zone)
        if lo >= end:
            return out
        out.append((first, max(lo, start), min(hi, end)))
        first = add_months(first, 1)


def _problems(
    service: WatchedService, start: datetime, end: datetime
) -> tuple[list[sla.Interval], datetime | None]:
    before = [problem for at, problem in service.hard_history if at < start]
    changes = [
        sla.HardChange(at, problem) for at, problem in service.hard_history if start <= at < end
    ]
    return sla.problem_intervals(changes, before[-1] if before else None, start, end)


def _emit_availability(
    context: Context, ref: str, first: date, availability: sla.Availability
) -> None:
    fields: dict[str, JsonValue] = {
        "month": month(first),
        "percent": None if availability.percent is None else percent(availability.percent),
        "counted_minutes": int(availability.counted.total_seconds() // 60),
        "problem_minutes": int(availability.problem.total_seconds() // 60),
    }
    context.emit("availability", ref, context.pack.clause("ha.availability_credit"), fields)


def finish(context: Context) -> None:
    """Escalations and downtime ends due by the end, then each month's availability."""
    state = context.monitoring
    if not state.services:
        return
    end = context.now
    _catch_up(context, end)
    firsts = [s.hard_history[0][0] for s in state.services.values() if s.hard_history]
    if not firsts:
        return
    critical = critical_kinds(context.pack)
    for first, lo, hi in _months(min(firsts), end, context):
        windows = [(w.start, w.end) for w in state.downtimes]
        by_server: dict[str, tuple[list[sla.Interval], list[datetime]]] = {}
        for service in state.services.values():
            problems, first_data = _problems(service, lo, hi)
            downtimes = [(w.start, w.end) for w in state.downtimes if w.server == service.server]
            _emit_availability(
                context,
                service.id,
                first,
                sla.sla_ok_percent(problems, first_data, lo, hi, downtimes=downtimes),
            )
            if service.check in critical:
                intervals, starts = by_server.setdefault(service.server, ([], []))
                intervals.extend(problems)
                if first_data is not None:
                    starts.append(first_data)
        for server, (intervals, starts) in sorted(by_server.items()):
            downtimes = [
                (a, b)
                for (a, b), w in zip(windows, state.downtimes, strict=True)
                if w.server == server
            ]
            result = sla.sla_ok_percent(
                intervals, min(starts, default=None), lo, hi, downtimes=downtimes
            )
            _emit_availability(context, server, first, result)
    for service in state.services.values():
        if service.escalation is not None:
            _close_escalation(context, service)


HANDLERS: dict[str, Handler] = {
    "service_defined": service_defined,
    "check_result": check_result,
    "downtime": downtime,
    "acknowledgement": acknowledgement,
    "maintenance_windows": maintenance_windows,
    "maintenance": maintenance,
}
