"""One check result through the state machine, in one transaction.

`record_result` locks the service row, runs `statemachine.process`, writes the raw
result, the state change (soft or hard), the alert and its outbox rows, the escalation
to come, and the service's next check, then commits. A monitor killed mid-batch loses
at most results whose transaction had not committed (their services are still due and
are checked again) and duplicates none: a result older than the service's last check is
ignored.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

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
    at = observation.at or now
    with transaction.atomic():
        service = (
            # Lock the service row only: PostgreSQL refuses FOR UPDATE on the nullable side
            # of the outer joins select_related adds (the server's subscription).
            MonitoredService.objects.select_for_update(of=("self",))
            .select_related("server__provider", "server__client", "server__subscription")
            .filter(pk=service_id, enabled=True)
            .first()
        )
        if service is None or (service.last_check_at is not None and at <= service.last_check_at):
            return None
        transition = sm.process(
            check_state(service),
            observation.state,
            at,
            max_check_attempts=service.max_check_attempts,
            reachable=is_reachable(service),
            in_downtime=in_downtime(service, at),
            acknowledged=is_acknowledged(service),
        )
        CheckResult.objects.create(
            service=service,
            at=at,
            state=int(observation.state),
            output=observation.output[:4000],
            perfdata=observation.perfdata[:4000],
            duration=observation.duration,
            scheduled_at=observation.scheduled_at,
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
        change = None
        if transition.recorded:
            change = _record_change(service, transition, observation, at)
            _follow_problem(service, transition, change, at)
        service.save()
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
