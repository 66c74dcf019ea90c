"""The client's maintenance windows and the maintenance staff schedule in them (art. 6).

- `declare_windows`: the client (its admin, or provider staff on its behalf, e.g. after a
  phone call as art. 6 allows) declares the server's two weekly 2-hour windows.
- `schedule_maintenance`: provider staff schedule a maintenance needing a service restart;
  refused outside a window (art. 6), it becomes a `Downtime` of kind maintenance (alerts
  suppressed, existing mechanism) and the client's contacts get a notice before it.
- `remind_missing_windows`: a server without its two windows gets its client's admins
  reminded of the art. 6 obligation, daily the first week after its creation, then
  weekly, until they are declared.
"""

from __future__ import annotations

from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Membership, Person, Role
from clausier.accounts.scoping import client_ids
from clausier.core import audit
from clausier.monitoring import windows as rules
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import Downtime, DowntimeKind, MaintenanceWindow, ManagedServer
from clausier.monitoring.selectors import operated_servers
from clausier.monitoring.services.alerts import server_contacts
from clausier.monitoring.services.contract import server_pack
from clausier.monitoring.services.operations import schedule_downtime
from clausier.notify.services import Draft, enqueue_many
from clausier.terms.zone import contract_zone

NOTICE_TEMPLATE = "monitoring_maintenance_notice"
REMINDER_TEMPLATE = "monitoring_windows_reminder"
CLAUSE = rules.CLAUSE


def server_zone(server: ManagedServer) -> ZoneInfo:
    """The zone windows are declared in: the contract's (the provider's calendar)."""
    return contract_zone(server_pack(server))


def declared(server: ManagedServer) -> list[rules.WeeklyWindow]:
    return [
        rules.WeeklyWindow(w.weekday, w.start)
        for w in MaintenanceWindow.objects.filter(server=server).order_by("weekday", "start")
    ]


def windows_complete(server: ManagedServer) -> bool:
    """Whether the client met its art. 6 obligation for this server."""
    return MaintenanceWindow.objects.filter(server=server).count() == rules.WINDOWS_PER_WEEK


def may_declare(person: Any, server: ManagedServer) -> bool:
    """The client's admins, and the provider's operators on the client's behalf."""
    return (
        server.client_id in client_ids(person, {Role.CLIENT_ADMIN})
        or operated_servers(person).filter(pk=server.pk).exists()
    )


def parse_window(weekday: Any, start: Any) -> rules.WeeklyWindow:
    try:
        day = int(weekday)
        at = start if isinstance(start, time) else time.fromisoformat(str(start))
    except (TypeError, ValueError) as exc:
        raise MonitoringError(
            _("Jour ou heure de plage invalide (jour 0 à 6, heure HH:MM)."), "invalid_window"
        ) from exc
    return rules.WeeklyWindow(day, at)


def declare_windows(
    server: ManagedServer, items: list[rules.WeeklyWindow], person: Person | None, now: datetime
) -> list[MaintenanceWindow]:
    """Replace the server's windows by these two (art. 6), audited."""
    try:
        valid = rules.validate(items)
    except rules.WindowError as exc:
        raise MonitoringError(_messages.get(exc.code, exc.message), exc.code) from exc
    with transaction.atomic():
        ManagedServer.objects.select_for_update().filter(pk=server.pk).first()
        MaintenanceWindow.objects.filter(server=server).delete()
        rows = [
            MaintenanceWindow.objects.create(
                server=server, weekday=w.weekday, start=w.start, declared_by=person, declared_at=now
            )
            for w in valid
        ]
        audit.record(
            "monitoring.maintenance_windows_declared",
            server,
            actor=person,
            provider=server.provider,
            client=server.client,
            details={
                "clause": CLAUSE,
                "windows": [[w.weekday, w.start.strftime("%H:%M")] for w in valid],
                "zone": server_zone(server).key,
            },
        )
    return rows


_messages = {
    "two_windows_required": _(
        "Art. 6 : déclarez exactement deux plages de maintenance de deux heures par semaine."
    ),
    "windows_overlap": _("Art. 6 : les deux plages de maintenance doivent être distinctes."),
    "invalid_weekday": _("Jour de plage invalide (0 = lundi à 6 = dimanche)."),
    "invalid_start": _("Une plage commence à une minute entière, en heure locale."),
    "notice_too_late": _("Art. 6 : une maintenance s'annonce au client avant son début."),
    "windows_missing": _(
        "Art. 6 : le client n'a pas encore déclaré ses deux plages de maintenance."
    ),
    "invalid_period": _("La fin d'un arrêt programmé doit suivre son début."),
    "outside_window": _(
        "Art. 6 : une maintenance nécessitant un redémarrage de services se fait "
        "dans une des deux plages déclarées par le client."
    ),
}


def schedule_maintenance(
    server: ManagedServer,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    person: Person | None,
    now: datetime,
) -> Downtime:
    """A maintenance needing a service restart: only inside one of the client's windows
    (art. 6), in the future, with a notice e-mailed to the client's contacts now."""
    try:
        rules.check_maintenance(declared(server), server_zone(server), starts_at, ends_at, now)
    except rules.WindowError as exc:
        raise MonitoringError(_messages.get(exc.code, exc.message), exc.code) from exc
    with transaction.atomic():
        downtime = schedule_downtime(
            server,
            starts_at=starts_at,
            ends_at=ends_at,
            reason=reason,
            now=now,
            author=person,
            kind=DowntimeKind.MAINTENANCE,
        )
        _send_notice(server, downtime, now)
        audit.record(
            "monitoring.maintenance_scheduled",
            downtime,
            actor=person,
            provider=server.provider,
            client=server.client,
            details={"clause": CLAUSE, "starts_at": starts_at.isoformat()},
        )
    return downtime


def _send_notice(server: ManagedServer, downtime: Downtime, now: datetime) -> None:
    recipients = server_contacts(server)
    context = {
        "provider": server.provider.legal_name,
        "client": server.client.legal_name,
        "server": server.name,
        "address": server.address,
        "starts_at": downtime.starts_at,
        "ends_at": downtime.ends_at,
        "reason": downtime.reason,
        "zone": server_zone(server).key,
        "clause": CLAUSE,
        "link": settings.SITE_URL + reverse("portal:monitoring_server", args=[server.pk]),
    }
    enqueue_many(
        [
            Draft(
                NOTICE_TEMPLATE,
                email,
                language,
                context,
                f"monitoring-maintenance:{downtime.pk}:{email.lower()}",
                server.provider,
            )
            for email, language in recipients
        ],
        now,
    )


def remind_missing_windows(now: datetime) -> int:
    """E-mail the client's admins of every active server still without its two windows
    (art. 6), once per reminder period (`windows.reminder_day`: daily the first week
    after the server's creation, then weekly). The outbox key names the server and the
    period, so a job run twice, or killed and restarted, sends nothing twice. Returns how
    many messages were queued."""
    servers = (
        ManagedServer.objects.filter(active=True, created_at__lte=now)
        .annotate(declared_count=Count("maintenance_windows"))
        .filter(declared_count__lt=rules.WINDOWS_PER_WEEK)
        .select_related("provider", "client", "subscription")
        .order_by("pk")
    )
    queued = 0
    for server in servers:
        zone = server_zone(server)
        day = rules.reminder_day(server.created_at, zone, now)
        if day is None:
            continue
        with transaction.atomic():
            queued += enqueue_many(_reminder_drafts(server, day, zone), now)
    return queued


def client_admins(server: ManagedServer) -> list[tuple[str, str]]:
    """(e-mail, language) of the client's active administrators: art. 6 is the client's
    obligation, its admins declare the windows."""
    memberships = (
        Membership.objects.active()
        .filter(client_id=server.client_id, role=Role.CLIENT_ADMIN, person__is_active=True)
        .select_related("person")
        .order_by("person__email")
    )
    return [(m.person.email, m.person.language) for m in memberships]


def _reminder_drafts(server: ManagedServer, day: int, zone: ZoneInfo) -> list[Draft]:
    context = {
        "provider": server.provider.legal_name,
        "client": server.client.legal_name,
        "server": server.name,
        "address": server.address,
        "created_at": server.created_at,
        "zone": zone.key,
        "clause": CLAUSE,
        "link": settings.SITE_URL + reverse("portal:monitoring_maintenance", args=[server.pk]),
    }
    return [
        Draft(
            REMINDER_TEMPLATE,
            email,
            language,
            context,
            f"monitoring-windows-reminder:{server.pk}:{day}:{email.lower()}",
            server.provider,
        )
        for email, language in client_admins(server)
    ]
