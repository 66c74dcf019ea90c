"""The staff problems board: every HARD problem of the provider's clients, unhandled
first (not acknowledged, not in a downtime), then handled ones; within each, the most
severe first (CRITICAL, UNKNOWN, WARNING — Icinga Web's order), then the oldest."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from clausier.accounts.scoping import staff_provider_ids
from clausier.monitoring.models import (
    Acknowledgement,
    CheckStateValue,
    Downtime,
    Escalation,
    MonitoredService,
)
from clausier.monitoring.selectors import OPERATOR_ROLES

SEVERITY = {CheckStateValue.CRITICAL: 3, CheckStateValue.UNKNOWN: 2, CheckStateValue.WARNING: 1}


@dataclass
class Problem:
    service: MonitoredService
    since: datetime
    duration: timedelta
    acknowledgement: Acknowledgement | None
    downtime: Downtime | None
    escalation: Escalation | None
    can_acknowledge: bool

    @property
    def handled(self) -> bool:
        return self.acknowledgement is not None or self.downtime is not None

    @property
    def severity(self) -> int:
        return SEVERITY.get(CheckStateValue(self.service.last_hard_state), 0)


def problems(person: Any, now: datetime) -> list[Problem]:
    """The board's rows for a provider's staff member (empty for anyone else)."""
    providers = operators = staff_provider_ids(person, OPERATOR_ROLES)
    services = list(
        MonitoredService.objects.filter(
            server__provider_id__in=providers,
            server__active=True,
            enabled=True,
            problem__isnull=False,
        )
        .exclude(last_hard_state=CheckStateValue.OK)
        .select_related("server__client", "problem")
    )
    problem_ids = [s.problem_id for s in services]
    acks = {
        a.problem_id: a
        for a in Acknowledgement.objects.filter(problem_id__in=problem_ids).select_related("author")
    }
    escalations = {e.problem_id: e for e in Escalation.objects.filter(problem_id__in=problem_ids)}
    downtimes = list(
        Downtime.objects.filter(
            server_id__in={s.server_id for s in services},
            starts_at__lte=now,
            ends_at__gt=now,
            cancelled_at__isnull=True,
        )
    )
    rows = []
    for s in services:
        assert s.problem is not None and s.problem_id is not None
        downtime = next(
            (d for d in downtimes if d.server_id == s.server_id and d.service_id in (None, s.pk)),
            None,
        )
        rows.append(
            Problem(
                service=s,
                since=s.problem.at,
                duration=now - s.problem.at,
                acknowledgement=acks.get(s.problem_id),
                downtime=downtime,
                escalation=escalations.get(s.problem_id),
                can_acknowledge=s.server.provider_id in operators,
            )
        )
    rows.sort(key=lambda p: (p.handled, -p.severity, p.since, p.service.pk))
    return rows


def board_visible(person: Any) -> bool:
    """The provider's engineers and owners (those who act on problems)."""
    return bool(staff_provider_ids(person, OPERATOR_ROLES))


def operator_providers(person: Any) -> set[int]:
    return staff_provider_ids(person, OPERATOR_ROLES)
