"""A month's availability per service and per server from the hard-state history, and
the month-end HA credit (art. 14).

Computed from `StateChange` rows with `hard=True` (kept for the contract's life), the
downtimes and the monitor's heartbeat runs; never from raw results, which are pruned.
The month is the contract's local month (terms.zone).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import OuterRef, Subquery

from clausier.billing.invoicing.credits import record_sla_credit
from clausier.core.calendar import add_months, local_midnight
from clausier.monitoring import sla
from clausier.monitoring.models import (
    AvailabilityReport,
    CheckStateValue,
    Downtime,
    ManagedServer,
    MonitoredService,
    MonitorHeartbeat,
    StateChange,
)
from clausier.monitoring.services.contract import critical_kinds, server_pack
from clausier.monitoring.services.operations import HEARTBEAT_GAP
from clausier.terms.rules.managed_hosting import ha_credit
from clausier.terms.zone import contract_day, contract_zone

_PROBLEM_STATES = {CheckStateValue.CRITICAL, CheckStateValue.UNKNOWN}


def is_problem(service_kind_host: bool, hard_state: int) -> bool:
    # Host checks: DOWN is CRITICAL/UNKNOWN of the ping; a service: CRITICAL, UNKNOWN.
    return hard_state in _PROBLEM_STATES


def month_window(month: date, server: ManagedServer) -> tuple[datetime, datetime]:
    zone = contract_zone(server_pack(server))
    first = month.replace(day=1)
    return local_midnight(first, zone), local_midnight(add_months(first, 1), zone)


def no_data_periods(start: datetime, end: datetime) -> list[sla.Interval]:
    """Time in [start, end) covered by no heartbeat run of the monitor."""
    runs = MonitorHeartbeat.objects.filter(
        started_at__lt=end, last_beat_at__gt=start - HEARTBEAT_GAP
    )
    covered = sla.merge(((r.started_at, r.last_beat_at + HEARTBEAT_GAP) for r in runs), start, end)
    return sla.subtract([(start, end)], covered)


def _problems(
    service: MonitoredService, start: datetime, end: datetime
) -> tuple[list[sla.Interval], datetime | None]:
    before = (
        StateChange.objects.filter(service=service, hard=True, at__lt=start)
        .order_by("-at", "-id")
        .values_list("hard_state", flat=True)
        .first()
    )
    changes = [
        sla.HardChange(at, is_problem(service.is_host_check, state))
        for at, state in StateChange.objects.filter(
            service=service, hard=True, at__gte=start, at__lt=end
        )
        .order_by("at", "id")
        .values_list("at", "hard_state")
    ]
    state_before = None if before is None else is_problem(service.is_host_check, before)
    return sla.problem_intervals(changes, state_before, start, end)


def _downtimes(
    server: ManagedServer, start: datetime, end: datetime, service: MonitoredService | None = None
) -> list[sla.Interval]:
    rows = Downtime.objects.filter(
        server=server, starts_at__lt=end, ends_at__gt=start, cancelled_at__isnull=True
    )
    if service is None:
        rows = rows.filter(service__isnull=True)
    return [
        (d.starts_at, d.ends_at)
        for d in rows
        if d.service_id in (None, getattr(service, "pk", None))
    ]


def service_availability(
    service: MonitoredService, start: datetime, end: datetime, now: datetime
) -> sla.Availability:
    end = min(end, now)
    if end <= start:
        return sla.Availability(start, start, timedelta(0), timedelta(0), timedelta(0), None)
    problems, first = _problems(service, start, end)
    return sla.sla_ok_percent(
        problems,
        first,
        start,
        end,
        downtimes=_downtimes(service.server, start, end, service),
        no_data=no_data_periods(start, end),
    )


@dataclass(frozen=True)
class ServerAvailability:
    server: ManagedServer
    month: date
    availability: sla.Availability
    services: dict[int, sla.Availability]


def server_availability(server: ManagedServer, month: date, now: datetime) -> ServerAvailability:
    """The server is unavailable while its host check or one of its critical services
    (HTTP, Ping: art. 3.2's "services critiques", the pack's list) is in a hard problem."""
    start, end = month_window(month, server)
    end = min(end, now)
    critical = critical_kinds(server_pack(server))
    per_service: dict[int, sla.Availability] = {}
    problems: list[sla.Interval] = []
    firsts: list[datetime] = []
    for service in server.services.filter(enabled=True).order_by("name"):
        per_service[service.pk] = service_availability(service, start, end, now)
        if service.is_host_check or service.kind in critical:
            intervals, first = _problems(service, start, end) if end > start else ([], None)
            problems.extend(intervals)
            if first is not None:
                firsts.append(first)
    if end <= start:
        overall = sla.Availability(start, start, timedelta(0), timedelta(0), timedelta(0), None)
    else:
        overall = sla.sla_ok_percent(
            problems,
            min(firsts, default=None),
            start,
            end,
            downtimes=_downtimes(server, start, end),
            no_data=no_data_periods(start, end),
        )
    return ServerAvailability(server, month.replace(day=1), overall, per_service)


def previous_month(now: datetime, server: ManagedServer) -> date:
    today = contract_day(now, server_pack(server))
    return add_months(today.replace(day=1), -1)


def close_month(server: ManagedServer, month: date, now: datetime) -> AvailabilityReport | None:
    """The month's report and, under an HA annex, its credit into billing (idempotent by
    the credit's source key and the report's uniqueness)."""
    _start, end = month_window(month, server)
    if now < end:
        return None
    result = server_availability(server, month, now)
    availability = result.availability
    pack = server_pack(server)
    amount, clause = Decimal("0.00"), ""
    if server.high_availability and availability.percent is not None:
        credit = ha_credit(min(availability.percent, Decimal(100)), server.monthly_fee_ht, pack)
        amount, clause = credit.amount, str(credit.clause)
    details = {
        "counted_seconds": int(availability.counted.total_seconds()),
        "problem_seconds": int(availability.problem.total_seconds()),
        "no_data_seconds": int(availability.no_data.total_seconds()),
        "services": {
            str(pk): None if a.percent is None else str(a.percent)
            for pk, a in result.services.items()
        },
    }
    with transaction.atomic():
        report, created = AvailabilityReport.objects.get_or_create(
            server=server,
            month=month.replace(day=1),
            defaults={
                "percent": availability.percent
                if availability.percent is not None
                else Decimal(100),
                "no_data_seconds": int(availability.no_data.total_seconds()),
                "credit_amount": amount,
                "clause": clause,
                "details": {**details, "no_data": availability.percent is None},
                "created_at": now,
            },
        )
        if created and amount > 0 and server.subscription is not None:
            record_sla_credit(
                subscription=server.subscription,
                month=month,
                amount=amount,
                clause=clause,
                description=f"Disponibilité {server.name} {month:%m/%Y} : {availability.percent} %",
                source_key=f"monitoring:ha:{server.pk}:{month:%Y-%m}",
                now=now,
            )
    return report


def close_previous_months(now: datetime) -> int:
    """The periodic job: every active server's last month, once."""
    closed = 0
    for server in ManagedServer.objects.filter(active=True).select_related(
        "provider", "subscription"
    ):
        month = previous_month(now, server)
        if AvailabilityReport.objects.filter(server=server, month=month).exists():
            continue
        if not server.services.filter(has_result=True).exists():
            continue
        if close_month(server, month, now) is not None:
            closed += 1
    return closed


def fleet_availability(
    services: Iterable[MonitoredService] | None, months: Sequence[date], now: datetime
) -> dict[tuple[int, date], sla.Availability]:
    """Each service's availability for each of `months` (contract-local months), the same
    figures as `service_availability`, with five queries in all instead of five per
    service and month: the hard changes of the whole span in one ordered pass, the state
    before it, the downtimes, the heartbeat runs. For reports across many servers and
    months (10,000 services × 12 months: docs/monitoring.md, "Figures")."""
    rows = MonitoredService.objects.filter(enabled=True).select_related(
        "server__subscription", "server__provider"
    )
    if services is not None:
        rows = rows.filter(pk__in=[s.pk for s in services])
    firsts = sorted(m.replace(day=1) for m in months)
    if not firsts:
        return {}
    zones: dict[int, list[tuple[date, datetime, datetime]]] = {}
    listed = list(rows)
    for service in listed:
        if service.server_id not in zones:
            windows = [(m, *month_window(m, service.server)) for m in firsts]
            zones[service.server_id] = [(m, s, min(e, now)) for m, s, e in windows]
    if not listed:
        return {}
    start = min(w[0][1] for w in zones.values())
    end = max(w[-1][2] for w in zones.values())
    ids = [s.pk for s in listed]
    before = dict(
        MonitoredService.objects.filter(pk__in=ids)
        .annotate(
            before=Subquery(
                StateChange.objects.filter(service=OuterRef("pk"), hard=True, at__lt=start)
                .order_by("-at", "-id")
                .values("hard_state")[:1]
            )
        )
        .values_list("pk", "before")
    )
    changes: dict[int, list[tuple[datetime, int]]] = {}
    for service_id, at, hard_state in (
        StateChange.objects.filter(service_id__in=ids, hard=True, at__gte=start, at__lt=end)
        .order_by("service_id", "at", "id")
        .values_list("service_id", "at", "hard_state")
        .iterator(chunk_size=20000)
    ):
        changes.setdefault(service_id, []).append((at, hard_state))
    downtimes: dict[tuple[int, int | None], list[sla.Interval]] = {}
    for server_id, service_id, d_start, d_end in Downtime.objects.filter(
        server_id__in=zones, starts_at__lt=end, ends_at__gt=start, cancelled_at__isnull=True
    ).values_list("server_id", "service_id", "starts_at", "ends_at"):
        downtimes.setdefault((server_id, service_id), []).append((d_start, d_end))
    blind = no_data_periods(start, end)
    blind_by_month: dict[tuple[datetime, datetime], list[sla.Interval]] = {}
    out: dict[tuple[int, date], sla.Availability] = {}
    for service in listed:
        history = changes.get(service.pk, [])
        state: int | None = before.get(service.pk)
        cursor = 0
        spans = downtimes.get((service.server_id, None), []) + downtimes.get(
            (service.server_id, service.pk), []
        )
        for month, m_start, m_end in zones[service.server_id]:
            while cursor < len(history) and history[cursor][0] < m_start:
                state = history[cursor][1]
                cursor += 1
            if m_end <= m_start:
                out[service.pk, month] = sla.Availability(
                    m_start, m_start, timedelta(0), timedelta(0), timedelta(0), None
                )
                continue
            inside = []
            index = cursor
            while index < len(history) and history[index][0] < m_end:
                at, hard = history[index]
                inside.append(sla.HardChange(at, is_problem(service.is_host_check, hard)))
                index += 1
            state_before = None if state is None else is_problem(service.is_host_check, state)
            problems, first = sla.problem_intervals(inside, state_before, m_start, m_end)
            out[service.pk, month] = sla.sla_ok_percent(
                problems,
                first,
                m_start,
                m_end,
                downtimes=spans,
                # The monitor's silences, clipped once per month window (not per service).
                no_data=blind_by_month.setdefault(
                    (m_start, m_end), sla.merge(blind, m_start, m_end)
                ),
            )
    return out
