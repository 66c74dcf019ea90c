"""What staff and the periodic jobs do around the results: acknowledgements, downtimes,
escalations that fall due, ends of downtimes, retention, the monitor's heartbeat and
its watchdog."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Person, Provider
from clausier.core import audit
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import (
    RAW_RESULT_RETENTION_HOURS,
    Acknowledgement,
    Alert,
    AlertKind,
    CheckResult,
    Downtime,
    DowntimeKind,
    Escalation,
    ManagedServer,
    MonitoredService,
    MonitorHeartbeat,
)
from clausier.monitoring.services.alerts import send_alert, send_escalation
from clausier.monitoring.services.contract import server_pack
from clausier.monitoring.services.results import in_downtime, is_reachable, schedule_escalation
from clausier.notify.services import enqueue

log = logging.getLogger(__name__)

# The monitor beats every few seconds; a run is continued while the gap stays under this.
HEARTBEAT_GAP = timedelta(seconds=90)
# The web process warns the provider when the monitor has been silent this long.
WATCHDOG_AFTER = timedelta(minutes=3)


def acknowledge(
    service: MonitoredService, person: Person | None, comment: str, now: datetime
) -> Acknowledgement:
    """Provider staff take the current HARD problem in hand: escalation stops (art. 3.2)."""
    comment = (comment or "").strip()
    if not comment:
        raise MonitoringError(
            _("Un commentaire est requis pour prendre en compte un problème."), "comment_required"
        )
    with transaction.atomic():
        service = MonitoredService.objects.select_for_update().get(pk=service.pk)
        if service.problem_id is None:
            raise MonitoringError(_("Ce service n'a pas de problème en cours."), "no_problem")
        ack, created = Acknowledgement.objects.get_or_create(
            problem_id=service.problem_id,
            defaults={"service": service, "author": person, "comment": comment[:2000], "at": now},
        )
        if not created:
            raise MonitoringError(_("Ce problème est déjà pris en compte."), "already_acknowledged")
        Escalation.objects.filter(
            problem_id=service.problem_id, sent_at__isnull=True, suppressed_by=""
        ).update(suppressed_by="acknowledged")
        server = ManagedServer.objects.select_related("provider", "client").get(
            pk=service.server_id
        )
        audit.record(
            "monitoring.problem_acknowledged",
            ack,
            actor=person,
            provider=server.provider,
            client=server.client,
            details={"clause": "Art. 3.2", "service": service.pk, "problem": ack.problem_id},
        )
    return ack


def schedule_downtime(
    server: ManagedServer,
    *,
    starts_at: datetime,
    ends_at: datetime,
    reason: str,
    now: datetime,
    author: Person | None = None,
    service: MonitoredService | None = None,
    kind: str = DowntimeKind.ADHOC,
) -> Downtime:
    if ends_at <= starts_at:
        raise MonitoringError(
            _("La fin d'un arrêt programmé doit suivre son début."), "invalid_period"
        )
    if ends_at <= now:
        raise MonitoringError(
            _("Un arrêt programmé ne peut pas se terminer dans le passé."), "invalid_period"
        )
    if not (reason or "").strip():
        raise MonitoringError(_("Le motif de l'arrêt est requis."), "reason_required")
    if service is not None and service.server_id != server.pk:
        raise MonitoringError(_("Ce service n'appartient pas à ce serveur."), "invalid_service")
    return Downtime.objects.create(
        server=server,
        service=service,
        starts_at=starts_at,
        ends_at=ends_at,
        reason=reason.strip()[:300],
        author=author,
        kind=kind,
        created_at=now,
    )


def escalate_due(now: datetime) -> int:
    """Send the escalations that fell due; each is claimed by a conditional update."""
    sent = 0
    due = Escalation.objects.filter(
        sent_at__isnull=True, suppressed_by="", due_at__lte=now
    ).values_list("pk", flat=True)
    for pk in list(due[:500]):
        with transaction.atomic():
            escalation = (
                Escalation.objects.select_for_update(of=("self",))
                .select_related("service__server__provider", "service__server__client", "problem")
                .filter(pk=pk, sent_at__isnull=True, suppressed_by="")
                .first()
            )
            if escalation is None:
                continue
            service = escalation.service
            if service.problem_id != escalation.problem_id:
                escalation.suppressed_by = "recovered"
            elif Acknowledgement.objects.filter(problem_id=escalation.problem_id).exists():
                escalation.suppressed_by = "acknowledged"
            elif in_downtime(service, now):
                # Held until the downtime ends, then judged again.
                escalation.due_at = downtime_end(service, now)
            elif not service.enabled:
                escalation.suppressed_by = "disabled"
            else:
                escalation.recipients = send_escalation(escalation, now)
                escalation.sent_at = now
                sent += 1
            escalation.save()
    return sent


def downtime_end(service: MonitoredService, now: datetime) -> datetime:
    ends = Downtime.objects.filter(
        server_id=service.server_id, starts_at__lte=now, ends_at__gt=now, cancelled_at__isnull=True
    ).values_list("ends_at", flat=True)
    return max(ends, default=now)


def end_downtimes(now: datetime) -> int:
    """At a downtime's end, a problem still present whose alert was suppressed is
    notified then (Icinga 2 sends it after the downtime), with a fresh escalation."""
    notified = 0
    for downtime in Downtime.objects.filter(
        ends_at__lte=now, ended_processed_at__isnull=True
    ).select_related("server"):
        with transaction.atomic():
            locked = (
                Downtime.objects.select_for_update()
                .filter(pk=downtime.pk, ended_processed_at__isnull=True)
                .first()
            )
            if locked is None:
                continue
            services = MonitoredService.objects.filter(
                server_id=locked.server_id, enabled=True, problem__isnull=False
            )
            if locked.service_id:
                services = services.filter(pk=locked.service_id)
            for service in services.select_related("server__provider", "server__client", "problem"):
                if in_downtime(service, now) or not is_reachable(service):
                    continue
                problem = service.problem
                assert problem is not None
                if Alert.objects.filter(change=problem, kind=AlertKind.PROBLEM).exists():
                    continue
                pack = server_pack(service.server)
                clause = str(pack.clause("escalation.hno_services"))
                if send_alert(service, problem, AlertKind.PROBLEM, clause, now) is not None:
                    notified += 1
                schedule_escalation(service, problem, pack, at=now)
            locked.ended_processed_at = now
            locked.save(update_fields=["ended_processed_at"])
    return notified


def prune_results(now: datetime) -> int:
    """Raw results older than the retention window go; state changes stay."""
    cutoff = now - timedelta(hours=RAW_RESULT_RETENTION_HOURS)
    deleted, _rows = CheckResult.objects.filter(at__lt=cutoff).delete()
    return deleted


def beat(now: datetime, node: str = "") -> MonitorHeartbeat:
    """Extend the current run of the monitor, or start a new one after a gap."""
    with transaction.atomic():
        last = MonitorHeartbeat.objects.select_for_update().order_by("-last_beat_at").first()
        if last is not None and last.last_beat_at <= now <= last.last_beat_at + HEARTBEAT_GAP:
            last.last_beat_at = now
            last.node = node or last.node
            last.save(update_fields=["last_beat_at", "node"])
            return last
        return MonitorHeartbeat.objects.create(started_at=now, last_beat_at=now, node=node)


def monitor_silent_since(now: datetime) -> datetime | None:
    """When the monitor last beat, if that is too long ago and there is something to watch."""
    if not MonitoredService.objects.filter(enabled=True, server__active=True).exists():
        return None
    last = MonitorHeartbeat.objects.order_by("-last_beat_at").first()
    if last is None:
        return None  # never started: nothing was ever watched (fresh install)
    if now - last.last_beat_at < WATCHDOG_AFTER:
        return None
    return last.last_beat_at


def watchdog(now: datetime) -> int:
    """Tell each provider with watched servers that the monitor stopped (once per stop)."""
    silent = monitor_silent_since(now)
    if silent is None:
        return 0
    last = MonitorHeartbeat.objects.order_by("-last_beat_at").first()
    assert last is not None
    providers = Provider.objects.filter(
        managed_servers__active=True, managed_servers__services__enabled=True
    ).distinct()
    for provider in providers:
        enqueue(
            template="monitoring_watchdog",
            to_email=provider.support_email,
            language="fr",
            context={"provider": provider.legal_name, "last_beat": silent},
            idempotency_key=f"monitoring-watchdog:{last.pk}:{provider.pk}",
            now=now,
            provider=provider,
        )
    return len(providers)
