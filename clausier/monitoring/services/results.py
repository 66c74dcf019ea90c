"""One check result through the state machine, in one transaction.

`record_result` locks the service row, runs `statemachine.process`, writes the raw
result, the state change (soft or hard), the alert and its outbox rows, the escalation
to come, and the service's next check, then commits. A monitor killed mid-batch loses
at most results whose transaction had not committed (their services are still due and
are checked again) and duplicates none: a result older than the service's last check is
ignored.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import connection, transaction
from django.db.models import Field, Q

from clausier.monitoring import statemachine as sm
from clausier.monitoring.escalation import escalation_due
from clausier.monitoring.models import (
    Acknowledgement,
    AlertKind,
    CheckResult,
    Downtime,
    Escalation,
    MonitoredService,
    StateChange,
)
from clausier.monitoring.services.alerts import send_alert
from clausier.monitoring.services.contract import server_calendar, server_pack
from clausier.probes.result import State
from clausier.terms.packs import Pack

_NOTIFICATION_TO_ALERT = {
    sm.NotificationKind.PROBLEM: AlertKind.PROBLEM,
    sm.NotificationKind.RECOVERY: AlertKind.RECOVERY,
    sm.NotificationKind.FLAPPING_START: AlertKind.FLAPPING_START,
    sm.NotificationKind.FLAPPING_END: AlertKind.FLAPPING_END,
}


@dataclass(frozen=True)
class Observation:
    """A result as the monitor (or a test, or an API client) hands it in."""

    state: State
    output: str = ""
    perfdata: str = ""
    duration: float = 0.0
    at: datetime | None = None  # when the probe ran; defaults to `now`
    scheduled_at: datetime | None = None


def check_state(service: MonitoredService) -> sm.CheckState:
    return sm.CheckState(
        state=State(service.state),
        state_type=sm.StateType(service.state_type),
        attempt=service.attempt,
        last_hard_state=State(service.last_hard_state),
        has_result=service.has_result,
        last_state_change=service.last_state_change_at,
        last_hard_state_change=service.last_hard_change_at,
        flapping=service.flapping,
        flap_buffer=service.flap_buffer,
        flap_index=service.flap_index,
        flap_percent=service.flap_percent,
    )


def _apply(service: MonitoredService, current: sm.CheckState) -> None:
    service.state = int(current.state)
    service.state_type = str(current.state_type)
    service.attempt = current.attempt
    service.last_hard_state = int(current.last_hard_state)
    service.has_result = current.has_result
    service.last_state_change_at = current.last_state_change
    service.last_hard_change_at = current.last_hard_state_change
    service.flapping = current.flapping
    service.flap_buffer = current.flap_buffer
    service.flap_index = current.flap_index
    service.flap_percent = current.flap_percent


def is_reachable(service: MonitoredService) -> bool:
    """Icinga's implicit dependency: a service is unreachable while its host check is in
    a HARD down state (soft states of the parent are ignored, as Icinga ignores them)."""
    if service.is_host_check:
        return True
    host = (
        MonitoredService.objects.filter(
            server_id=service.server_id, is_host_check=True, enabled=True
        )
        .values_list("last_hard_state", "has_result")
        .first()
    )
    if host is None or not host[1]:
        return True
    return sm.host_is_up(State(host[0]))


def in_downtime(service: MonitoredService, at: datetime) -> bool:
    return (
        Downtime.objects.filter(
            server_id=service.server_id,
            starts_at__lte=at,
            ends_at__gt=at,
            cancelled_at__isnull=True,
        )
        .filter(service__isnull=True)
        .exists()
        or Downtime.objects.filter(
            service_id=service.pk, starts_at__lte=at, ends_at__gt=at, cancelled_at__isnull=True
        ).exists()
    )


def is_acknowledged(service: MonitoredService) -> bool:
    return (
        service.problem_id is not None
        and Acknowledgement.objects.filter(problem_id=service.problem_id).exists()
    )


def record_result(service_id: int, observation: Observation, now: datetime) -> sm.Transition | None:
    """Process one result; None when the service is gone, disabled or the result stale."""
    return record_results([(service_id, observation)], now)[0]


# The columns a result changes on its service (one UPDATE of these, not of every column).
_STATE_FIELDS = [
    "state",
    "state_type",
    "attempt",
    "last_hard_state",
    "has_result",
    "last_state_change_at",
    "last_hard_change_at",
    "flapping",
    "flap_buffer",
    "flap_index",
    "flap_percent",
    "output",
    "perfdata",
    "last_check_at",
    "reachable",
    "next_check_at",
    "problem",
]


class _Batch:
    """What the state machine needs to know about a batch's services, read once: the
    host checks' hard states (reachability), the downtimes and the acknowledgements."""

    def __init__(self, services: dict[int, MonitoredService], ats: list[datetime]) -> None:
        server_ids = {s.server_id for s in services.values()}
        self.hosts: dict[int, tuple[int, bool]] = {
            server_id: (hard, has_result)
            for server_id, hard, has_result in MonitoredService.objects.filter(
                server_id__in=server_ids, is_host_check=True, enabled=True
            ).values_list("server_id", "last_hard_state", "has_result")
        }
        self.downtimes = list(
            Downtime.objects.filter(
                Q(server_id__in=server_ids, service__isnull=True) | Q(service_id__in=services),
                starts_at__lte=max(ats),
                ends_at__gt=min(ats),
                cancelled_at__isnull=True,
            ).values_list("server_id", "service_id", "starts_at", "ends_at")
        )
        problems = [s.problem_id for s in services.values() if s.problem_id is not None]
        self.acknowledged = set(
            Acknowledgement.objects.filter(problem_id__in=problems).values_list(
                "problem_id", flat=True
            )
            if problems
            else ()
        )

    def reachable(self, service: MonitoredService) -> bool:
        # Same rule as `is_reachable`, on the host states read (and updated) in this batch.
        if service.is_host_check:
            return True
        host = self.hosts.get(service.server_id)
        if host is None or not host[1]:
            return True
        return sm.host_is_up(State(host[0]))

    def in_downtime(self, service: MonitoredService, at: datetime) -> bool:
        return any(
            starts <= at < ends
            and (
                (service_id is None and server_id == service.server_id) or service_id == service.pk
            )
            for server_id, service_id, starts, ends in self.downtimes
        )


def record_results(
    items: Sequence[tuple[int, Observation]], now: datetime
) -> list[sm.Transition | None]:
    """Process a batch of results in one transaction, in order (one per service and
    result: the same as calling `record_result` for each, with a few queries for the
    whole batch instead of several per result). A result is skipped (None) when its
    service is gone or disabled, when it is not newer than the service's last check, or
    when it was scheduled before that last check (a late copy of a check already done,
    e.g. a probe batch a Celery worker ran again after the scheduler had given up)."""
    if not items:
        return []
    with transaction.atomic():
        services = {
            # Lock the service rows only: PostgreSQL refuses FOR UPDATE on the nullable side
            # of the outer joins select_related adds (the server's subscription). In id
            # order, so two writers never wait for each other in a cycle.
            # No select_related: the server, its provider and client are read only for
            # the few results that alert (lazily), not for every result.
            service.pk: service
            for service in MonitoredService.objects.select_for_update()
            .filter(pk__in={service_id for service_id, _ in items}, enabled=True)
            .order_by("pk")
        }
        if not services:
            return [None] * len(items)
        batch = _Batch(services, [observation.at or now for _, observation in items])
        rows: list[CheckResult] = []
        changed: dict[int, MonitoredService] = {}
        out: list[sm.Transition | None] = []
        for service_id, observation in items:
            service = services.get(service_id)
            at = observation.at or now
            if service is None or _stale(service, observation, at):
                out.append(None)
                continue
            transition = _process(service, observation, at, now, batch, rows)
            if service.is_host_check:
                batch.hosts[service.server_id] = (service.last_hard_state, service.has_result)
            changed[service.pk] = service
            out.append(transition)
        CheckResult.objects.bulk_create(rows)
        _save_states(list(changed.values()))
    return out


def _save_states(services: list[MonitoredService]) -> None:
    """One UPDATE statement run for all the batch's services (executemany): what
    `save(update_fields=_STATE_FIELDS)` writes, without its per-row overhead."""
    if not services:
        return
    meta = MonitoredService._meta
    fields: list[Field[Any, Any]] = []
    for name in _STATE_FIELDS:
        field = meta.get_field(name)
        assert isinstance(field, Field)
        fields.append(field)
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(str(field.column))} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {assignments} "  # noqa: S608 - names from the model
        f"WHERE {quote(str(meta.pk.column if meta.pk else 'id'))} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(s, field.attname), connection) for field in fields] + [s.pk]
        for s in services
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _stale(service: MonitoredService, observation: Observation, at: datetime) -> bool:
    last = service.last_check_at
    if last is None:
        return False
    return at <= last or (observation.scheduled_at is not None and observation.scheduled_at < last)


def _process(
    service: MonitoredService,
    observation: Observation,
    at: datetime,
    now: datetime,
    batch: _Batch,
    rows: list[CheckResult],
) -> sm.Transition:
    transition = sm.process(
        check_state(service),
        observation.state,
        at,
        max_check_attempts=service.max_check_attempts,
        reachable=batch.reachable(service),
        in_downtime=batch.in_downtime(service, at),
        acknowledged=service.problem_id is not None and service.problem_id in batch.acknowledged,
    )
    rows.append(
        CheckResult(
            service=service,
            at=at,
            state=int(observation.state),
            output=observation.output[:4000],
            perfdata=observation.perfdata[:4000],
            duration=observation.duration,
            scheduled_at=observation.scheduled_at,
        )
    )
    _apply(service, transition.current)
    service.output = observation.output[:4000]
    service.perfdata = observation.perfdata[:4000]
    service.last_check_at = at
    service.reachable = transition.reachable
    service.next_check_at = sm.next_check(
        transition.current,
        max(now, at),
        timedelta(seconds=service.check_interval),
        timedelta(seconds=service.retry_interval),
    )
    if transition.recorded:
        change = _record_change(service, transition, observation, at)
        _follow_problem(service, transition, change, at)
    return transition


def _record_change(
    service: MonitoredService, transition: sm.Transition, observation: Observation, at: datetime
) -> StateChange:
    previous, current = transition.previous, transition.current
    return StateChange.objects.create(
        service=service,
        at=at,
        state=int(current.state),
        state_type=str(current.state_type),
        attempt=current.attempt,
        previous_state=int(previous.state),
        hard_state=int(current.last_hard_state),
        previous_hard_state=int(previous.last_hard_state),
        hard=transition.hard_changed,
        reachable=transition.reachable,
        output=observation.output[:4000],
        perfdata=observation.perfdata[:4000],
    )


def _follow_problem(
    service: MonitoredService, transition: sm.Transition, change: StateChange, at: datetime
) -> None:
    """Open or close the problem, alert, and plan the escalation (art. 3.2)."""
    pack = None
    if transition.hard_changed:
        if transition.current.last_hard_state == State.OK:
            # A first result (OK after the initial OK) has no problem to close.
            if transition.previous.last_hard_state != State.OK or service.problem_id is not None:
                Escalation.objects.filter(
                    service=service, sent_at__isnull=True, suppressed_by=""
                ).update(suppressed_by="recovered")
        else:
            pack = server_pack(service.server)
            # A new problem state (WARNING <-> CRITICAL) supersedes the previous problem.
            Escalation.objects.filter(
                service=service, sent_at__isnull=True, suppressed_by=""
            ).update(suppressed_by="superseded")
            service.problem = change
            # Unreachable: the host check's own escalation covers it. In a downtime: the
            # alert and its escalation wait for the downtime's end (operations.end_downtimes).
            if transition.reachable and transition.suppressed_by != sm.Suppression.DOWNTIME:
                schedule_escalation(service, change, pack)
    kind = transition.notify
    if kind is not None:
        pack = pack or server_pack(service.server)
        clause = str(pack.clause("escalation.hno_services"))
        send_alert(service, change, _NOTIFICATION_TO_ALERT[kind], clause, at)
    if transition.hard_changed and transition.current.last_hard_state == State.OK:
        service.problem = None


def schedule_escalation(
    service: MonitoredService, problem: StateChange, pack: Pack, at: datetime | None = None
) -> Escalation:
    """The problem's escalation (art. 3.2, `monitoring.escalation.escalation_due`)."""
    raised = at or problem.at
    due = escalation_due(
        raised,
        service.kind,
        problem.hard_state == State.CRITICAL,
        pack,
        server_calendar(service.server, pack),
        escalate_in_hno=service.escalate_in_hno,
    )
    escalation, _created = Escalation.objects.get_or_create(
        problem=problem,
        defaults={
            "service": service,
            "due_at": due.due,
            "deferred": due.deferred,
            "clause": str(due.clause),
        },
    )
    return escalation
