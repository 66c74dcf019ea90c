"""Who is told what (art. 3.2), through the outbox: problem and recovery alerts to the
client's contacts and the provider, escalations to the on-call engineers.

Every e-mail is an outbox row keyed on the alert and the address, written in the same
transaction as the state change: a crash loses nothing and a retry sends nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.urls import reverse

from clausier.accounts.models import STAFF_ROLES, Membership, Provider, Role
from clausier.monitoring.models import (
    Alert,
    AlertKind,
    CheckStateValue,
    Escalation,
    ManagedServer,
    MonitoredService,
    OnCallShift,
    StateChange,
)
from clausier.notify.services import Draft, enqueue_many

ALERT_TEMPLATE = "monitoring_alert"
ESCALATION_TEMPLATE = "monitoring_escalation"

Recipient = list[str]  # [email, language]


def state_label(service: MonitoredService, state: int) -> str:
    """Icinga's words: a host check says UP/DOWN, a service its plugin state."""
    if service.is_host_check:
        return "UP" if state in (CheckStateValue.OK, CheckStateValue.WARNING) else "DOWN"
    return CheckStateValue(state).label


def server_link(service: MonitoredService) -> str:
    return settings.SITE_URL + reverse("portal:monitoring_server", args=[service.server_id])


def client_contacts(service: MonitoredService) -> list[Recipient]:
    """The client's people (art. 3.2: "envoyées par mail au client") and the provider."""
    return server_contacts(service.server)


def server_contacts(server: ManagedServer) -> list[Recipient]:
    memberships = (
        Membership.objects.active()
        .filter(client_id=server.client_id, person__is_active=True)
        .select_related("person")
        .order_by("person__email")
    )
    recipients = [[m.person.email, m.person.language] for m in memberships]
    recipients.append([server.provider.support_email, "fr"])
    return _unique(recipients)


def on_call(service: MonitoredService, now: datetime) -> list[Recipient]:
    """Who is on call at `now` for this service's provider (`on_call_for`)."""
    return on_call_for(service.server.provider, now)


def on_call_for(provider: Provider, now: datetime) -> list[Recipient]:
    """Who is on call at `now` (the rota, art. 3.2); without a rota entry, the provider's
    engineers and owners; without them, its support address. Support pages them too for
    an emergency request (art. 5)."""
    provider_id = provider.pk
    shifts = OnCallShift.objects.filter(
        provider_id=provider_id, starts_at__lte=now, ends_at__gt=now, person__is_active=True
    ).select_related("person")
    recipients = [[s.person.email, s.person.language] for s in shifts]
    if not recipients:
        staff = (
            Membership.objects.active()
            .staff()
            .filter(provider_id=provider_id, role__in=[Role.ENGINEER, Role.OWNER])
            .select_related("person")
        )
        recipients = [[m.person.email, m.person.language] for m in staff if m.role in STAFF_ROLES]
    if not recipients:
        recipients = [[provider.support_email, "fr"]]
    return _unique(recipients)


def _unique(recipients: list[Recipient]) -> list[Recipient]:
    seen: set[str] = set()
    out = []
    for email, language in recipients:
        if email and email.lower() not in seen:
            seen.add(email.lower())
            out.append([email, language])
    return out


def _context(
    service: MonitoredService, change: StateChange, kind: str, clause: str
) -> dict[str, Any]:
    server = service.server
    return {
        "provider": server.provider.legal_name,
        "client": server.client.legal_name,
        "server": server.name,
        "address": server.address,
        "service": service.name,
        "kind": kind,
        "state": state_label(service, change.hard_state),
        "output": change.output,
        "since": change.at,
        "link": server_link(service),
        "clause": clause,
    }


def _send(
    template: str,
    key: str,
    recipients: list[Recipient],
    context: dict[str, Any],
    service: MonitoredService,
    now: datetime,
) -> None:
    drafts = [
        Draft(template, email, language, context, f"{key}:{email.lower()}", service.server.provider)
        for email, language in recipients
    ]
    enqueue_many(drafts, now)


def send_alert(
    service: MonitoredService, change: StateChange, kind: AlertKind, clause: str, now: datetime
) -> Alert | None:
    """Record and queue one alert; a second call for the same change and kind is a no-op."""
    if Alert.objects.filter(change=change, kind=kind).exists():
        return None
    if kind == AlertKind.RECOVERY:
        # Recovery goes to whoever got the problem (Icinga: notified problem users).
        problem_alert = (
            Alert.objects.filter(
                service=service, kind=AlertKind.PROBLEM, change_id=service.problem_id
            )
            .order_by("-id")
            .first()
        )
        if problem_alert is None:
            return None
        recipients = problem_alert.recipients
    else:
        recipients = client_contacts(service)
    alert = Alert.objects.create(
        service=service,
        change=change,
        kind=kind,
        state=change.hard_state,
        recipients=recipients,
        clause=clause,
        created_at=now,
    )
    _send(
        ALERT_TEMPLATE,
        f"monitoring-alert:{alert.pk}",
        recipients,
        _context(service, change, kind, clause),
        service,
        now,
    )
    return alert


def send_escalation(escalation: Escalation, now: datetime) -> list[Recipient]:
    service = escalation.service
    recipients = on_call(service, now)
    context = _context(service, escalation.problem, AlertKind.ESCALATION, escalation.clause)
    context["due"] = escalation.due_at
    _send(
        ESCALATION_TEMPLATE,
        f"monitoring-escalation:{escalation.pk}",
        recipients,
        context,
        service,
        now,
    )
    return recipients
