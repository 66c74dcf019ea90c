"""Servers and their services: the LAMP template of art. 3.2, tuning, credentials."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clausier.monitoring.checks import LAMP_TEMPLATE, Credentials, build_probe
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import ManagedServer, MonitoredService
from clausier.monitoring.statemachine import spread_offset
from clausier.probes.base import Probe


def first_check_at(service: MonitoredService, now: datetime) -> datetime:
    """Spread over the check interval by a hash of the id: no thundering herd."""
    return now + spread_offset(service.pk, timedelta(seconds=service.check_interval))


@transaction.atomic
def apply_lamp_template(server: ManagedServer, now: datetime) -> list[MonitoredService]:
    """Add the services of art. 3.2 the server does not have yet (idempotent)."""
    existing = set(server.services.values_list("name", flat=True))
    created = []
    for entry in LAMP_TEMPLATE:
        if entry.name in existing:
            continue
        service = MonitoredService.objects.create(
            server=server,
            name=entry.name,
            kind=entry.kind,
            params=dict(entry.params),
            is_host_check=entry.is_host_check,
            escalate_in_hno=entry.escalate_in_hno,
            created_at=now,
        )
        service.next_check_at = first_check_at(service, now)
        service.save(update_fields=["next_check_at"])
        created.append(service)
    return created


def add_service(
    server: ManagedServer,
    *,
    name: str,
    kind: str,
    params: dict[str, Any],
    now: datetime,
    **fields: Any,
) -> MonitoredService:
    service = MonitoredService(
        server=server, name=name, kind=kind, params=params, created_at=now, **fields
    )
    _validate(service)
    service.save()
    service.next_check_at = first_check_at(service, now)
    service.save(update_fields=["next_check_at"])
    return service


def _validate(service: MonitoredService) -> None:
    try:
        service.full_clean(exclude=["server", "problem"])
    except ValidationError as exc:
        raise MonitoringError.invalid(exc) from exc


def ssh_key_path(server: ManagedServer) -> str:
    """The server's SSH key on disk (0600, under VAR_DIR), for asyncssh; empty if none."""
    if not server.ssh_private_key:
        return ""
    folder = Path(settings.VAR_DIR) / "monitoring-keys"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = folder / f"server-{server.pk}"
    key = server.ssh_private_key.strip() + "\n"
    if not path.exists() or path.read_text() != key:
        path.touch(mode=0o600)
        path.write_text(key)
    return str(path)


def credentials(server: ManagedServer) -> Credentials:
    return Credentials(
        host=server.address,
        snmp_port=server.snmp_port,
        snmp_version=server.snmp_version,
        snmp_community=server.snmp_community,
        snmp_user=server.snmp_user,
        snmp_auth_key=server.snmp_auth_key,
        snmp_priv_key=server.snmp_priv_key,
        ssh_port=server.ssh_port,
        ssh_user=server.ssh_user or "root",
        ssh_key_path=ssh_key_path(server),
        mysql_password=server.mysql_password,
    )


def probe_for(service: MonitoredService, creds: Credentials | None = None) -> Probe:
    creds = creds or credentials(service.server)
    params = dict(service.params)
    if service.kind == "mysql":
        params.setdefault("user", service.server.mysql_user)
    return build_probe(service.kind, params, creds)


_TUNABLE = {
    "params",
    "renotify_minutes",
    "check_interval",
    "retry_interval",
    "max_check_attempts",
    "escalate_in_hno",
    "enabled",
}


# Fields where null means something: `renotify_minutes` null is "use the provider's
# setting" (MonitoringPolicy), which a PATCH must be able to restore.
_NULLABLE = {"renotify_minutes"}


def update_service(service: MonitoredService, changes: dict[str, Any]) -> MonitoredService:
    """Staff tune a service (thresholds, ports, URLs, intervals) or disable it. `changes`
    holds only the fields the caller sent; an explicit null resets a nullable field and
    is refused, with the field's name, for the others."""
    refused = sorted(
        name for name, value in changes.items() if value is None and name not in _NULLABLE
    )
    if refused:
        raise MonitoringError(
            _("Valeur nulle refusée pour : %(fields)s.") % {"fields": ", ".join(refused)},
            "invalid_service",
        )
    for name, value in changes.items():
        if name in _TUNABLE:
            setattr(service, name, value)
    _validate(service)
    service.save()
    return service
