"""Probes for due services, and waiting for a check's due time: shared by the monitor
(`monitor.py`, probes in its own process) and the Celery workers (`scaleout.py`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from clausier.monitoring.models import MonitoredService
from clausier.monitoring.services.inventory import credentials, probe_for
from clausier.probes.base import Probe

# (service id, when it is due, probe or None, why no probe could be built)
Due = tuple[int, datetime | None, Probe | None, str]


def build_probes(services: Sequence[MonitoredService]) -> list[Due]:
    """A probe per service (credentials read once per server); a service whose
    parameters no longer build a probe gets its reason instead (UNKNOWN, never a crash)."""
    out: list[Due] = []
    creds_by_server: dict[int, Any] = {}
    for service in services:
        creds = creds_by_server.get(service.server_id)
        if creds is None:
            creds = creds_by_server[service.server_id] = credentials(service.server)
        try:
            out.append((service.pk, service.next_check_at, probe_for(service, creds), ""))
        except (TypeError, ValueError) as exc:
            out.append((service.pk, service.next_check_at, None, str(exc)))
    return out


async def at_due_time(scheduled_at: datetime | None) -> None:
    """Sleep until a check's due time (wall clock)."""
    if scheduled_at is not None:
        delay = (scheduled_at - timezone.now()).total_seconds()
        if delay > 0:
            await asyncio.sleep(delay)
