"""Monitoring rows a person may see: the provider's staff see their providers' servers,
a client's people (admins and members) their own organisation's."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.models import Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.monitoring.models import (
    Downtime,
    ManagedServer,
    MonitoredService,
    MonitorHeartbeat,
    StateChange,
)

# Staff who act on monitoring (acknowledge, downtimes, tune services).
OPERATOR_ROLES: set[str] = {Role.OWNER, Role.ENGINEER}


def visible_servers(person: Any) -> QuerySet[ManagedServer]:
    return ManagedServer.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) | Q(client_id__in=client_ids(person))
    )


def visible_services(person: Any) -> QuerySet[MonitoredService]:
    return MonitoredService.objects.filter(server__in=visible_servers(person))


def operated_servers(person: Any) -> QuerySet[ManagedServer]:
    return ManagedServer.objects.filter(provider_id__in=staff_provider_ids(person, OPERATOR_ROLES))


def operated_services(person: Any) -> QuerySet[MonitoredService]:
    return MonitoredService.objects.filter(server__in=operated_servers(person))


def visible_downtimes(person: Any) -> QuerySet[Downtime]:
    return Downtime.objects.filter(server__in=visible_servers(person))


def incidents(server: ManagedServer) -> QuerySet[StateChange]:
    """The server's hard state changes, newest first (the incident history)."""
    return (
        StateChange.objects.filter(service__server=server, hard=True)
        .select_related("service")
        .order_by("-at", "-id")
    )


def last_heartbeat() -> MonitorHeartbeat | None:
    return MonitorHeartbeat.objects.order_by("-last_beat_at").first()
