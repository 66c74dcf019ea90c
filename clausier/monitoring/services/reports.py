"""The weekly log report and the monthly chkrootkit test of art. 3.2, collected over SSH.

Art. 3.2: "Une surveillance des logs produits par le système sous la forme de la lecture
hebdomadaire d'un rapport" and "Une surveillance de la compromission du serveur par la
lecture mensuel d'un test chkrootkit effectué sur le serveur."

Periods are the contract zone's weeks (Monday 00:00) and months (the 1st, 00:00). In
each period, the job `monitoring.reports` runs the command once per active server (the
server's SSH credentials, as the `ssh_command` checks) and stores its output; staff must
mark it read, with a comment, before the period ends, or it is overdue (problems board,
and the client sees it on its server page). A collection that fails is retried at each
run (up to `MAX_ATTEMPTS`); a failure or a finding is e-mailed to the provider once.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Person
from clausier.core import audit
from clausier.core.calendar import add_months
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import ManagedServer, MonitoringPolicy, ReportKind, ServerReport
from clausier.monitoring.services.contract import server_pack
from clausier.monitoring.services.inventory import ssh_key_path
from clausier.notify.services import enqueue
from clausier.probes.base import ProbeContext
from clausier.probes.ssh import run_ssh_command
from clausier.terms.zone import contract_zone

CLAUSE = "Art. 3.2"
ALERT_TEMPLATE = "monitoring_report_alert"
MAX_ATTEMPTS = 5
SSH_TIMEOUT = 300.0
MAX_OUTPUT = 256 * 1024
DEFAULT_COMMANDS = {
    ReportKind.WEEKLY_LOGS: "logwatch --output stdout --format text --range 'since 7 days ago'",
    ReportKind.MONTHLY_ROOTKIT: "chkrootkit -q",
}
# chkrootkit's words for what needs a human look.
_ROOTKIT_FINDINGS = re.compile(r"INFECTED|Vulnerable|suspicious|Warning:", re.IGNORECASE)


@dataclass(frozen=True)
class Period:
    start: date
    due_at: datetime  # the period's end: read by then


def period_of(kind: str, now: datetime, zone: ZoneInfo) -> Period:
    """The contract-zone week (from Monday) or month (from the 1st) holding `now`."""
    today = now.astimezone(zone).date()
    if kind == ReportKind.WEEKLY_LOGS:
        start = today - timedelta(days=today.weekday())
        end = start + timedelta(days=7)
    else:
        start = today.replace(day=1)
        end = add_months(start, 1)
    return Period(start, datetime.combine(end, time(0, 0), tzinfo=zone))


def command_for(server: ManagedServer, kind: str) -> str:
    policy = MonitoringPolicy.objects.filter(provider_id=server.provider_id).first()
    configured = ""
    if policy is not None:
        configured = (
            policy.log_report_command if kind == ReportKind.WEEKLY_LOGS else policy.rootkit_command
        )
    return configured or DEFAULT_COMMANDS[ReportKind(kind)]


def has_findings(kind: str, exit_status: int | None, output: str) -> bool:
    """A non-zero exit (Nagios semantics, as the `ssh_command` checks), or, for chkrootkit,
    which exits 0 either way, a line it flags."""
    if exit_status not in (0, None):
        return True
    return kind == ReportKind.MONTHLY_ROOTKIT and bool(_ROOTKIT_FINDINGS.search(output))


async def _run(server: ManagedServer, command: str) -> tuple[int, str]:
    key = ssh_key_path(server)
    if not key:
        raise MonitoringError(_("Aucune clé SSH pour ce serveur."), "no_ssh_key")
    result = await asyncio.wait_for(
        run_ssh_command(
            ProbeContext.current(),
            server.address,
            server.ssh_port,
            server.ssh_user or "root",
            key,
            command,
        ),
        SSH_TIMEOUT,
    )
    output = result.stdout + (("\n" + result.stderr) if result.stderr.strip() else "")
    return result.exit_status, output[:MAX_OUTPUT]


def collect_due(now: datetime) -> int:
    """Open this period's reports of every active server and collect those not yet
    collected; returns how many were collected now."""
    collected = 0
    servers = ManagedServer.objects.filter(active=True).select_related(
        "provider", "client", "subscription"
    )
    for server in servers:
        zone = contract_zone(server_pack(server))
        for kind in ReportKind:
            period = period_of(kind, now, zone)
            report = _open(server, kind, period, now)
            if report is None or report.collected_at or report.attempts >= MAX_ATTEMPTS:
                continue
            if collect(report, now):
                collected += 1
    return collected


def _open(server: ManagedServer, kind: str, period: Period, now: datetime) -> ServerReport | None:
    try:
        report: ServerReport | None
        report, _created = ServerReport.objects.get_or_create(
            server=server,
            kind=kind,
            period_start=period.start,
            defaults={
                "due_at": period.due_at,
                "command": command_for(server, kind),
                "clause": CLAUSE,
            },
        )
    except IntegrityError:
        report = ServerReport.objects.filter(
            server=server, kind=kind, period_start=period.start
        ).first()
    return report


def collect(report: ServerReport, now: datetime) -> bool:
    """Run the report's command over SSH (outside any transaction) and store the result."""
    server = report.server
    try:
        exit_status, output = asyncio.run(_run(server, report.command))
    except MonitoringError as exc:
        return _failed(report, str(exc.message), now)
    except Exception as exc:
        return _failed(report, f"{type(exc).__name__}: {exc}"[:2000], now)
    with transaction.atomic():
        updated = ServerReport.objects.filter(pk=report.pk, collected_at__isnull=True).update(
            collected_at=now,
            exit_status=exit_status,
            output=output,
            error="",
            attempts=report.attempts + 1,
            findings=has_findings(report.kind, exit_status, output),
        )
        if not updated:
            return False
        report.refresh_from_db()
        if report.findings:
            _alert_provider(report, now)
    return True


def _failed(report: ServerReport, error: str, now: datetime) -> bool:
    with transaction.atomic():
        report.attempts += 1
        report.error = error
        report.save(update_fields=["attempts", "error"])
        if report.attempts >= MAX_ATTEMPTS:
            _alert_provider(report, now)
    return False


def _alert_provider(report: ServerReport, now: datetime) -> None:
    """Dead-man and findings alert to the provider, once per report."""
    server = report.server
    enqueue(
        template=ALERT_TEMPLATE,
        to_email=server.provider.support_email,
        language="fr",
        context={
            "provider": server.provider.legal_name,
            "client": server.client.legal_name,
            "server": server.name,
            "kind": report.kind,
            "period": report.period_start,
            "failed": report.collected_at is None,
            "summary": (report.error or report.output)[:2000],
            "clause": CLAUSE,
            "link": settings.SITE_URL + reverse("portal:monitoring_report", args=[report.pk]),
        },
        idempotency_key=f"monitoring-report-alert:{report.pk}",
        now=now,
        provider=server.provider,
    )


def mark_read(report: ServerReport, person: Person | None, comment: str, now: datetime) -> None:
    """Staff read the report (art. 3.2 "lecture"), with a comment; audited."""
    comment = (comment or "").strip()
    if not comment:
        raise MonitoringError(_("Un commentaire de lecture est requis."), "comment_required")
    if report.collected_at is None:
        raise MonitoringError(_("Ce rapport n'a pas encore été collecté."), "not_collected")
    with transaction.atomic():
        updated = ServerReport.objects.filter(pk=report.pk, read_at__isnull=True).update(
            read_at=now, read_by=person, read_comment=comment[:4000]
        )
        if not updated:
            raise MonitoringError(_("Ce rapport est déjà lu."), "already_read")
        report.refresh_from_db()
        audit.record(
            "monitoring.report_read",
            report,
            actor=person,
            provider=report.server.provider,
            client=report.server.client,
            details={"clause": CLAUSE, "kind": report.kind, "overdue": now > report.due_at},
        )


def overdue_reports(provider_ids: set[int], now: datetime) -> list[ServerReport]:
    """Reports not read before their period ended (a missing collection included)."""
    return list(
        ServerReport.objects.filter(
            server__provider_id__in=provider_ids,
            server__active=True,
            read_at__isnull=True,
            due_at__lte=now,
        )
        .select_related("server__client")
        .order_by("due_at", "pk")
    )


def latest_reports(server: ManagedServer) -> list[ServerReport]:
    """The newest report of each kind, for the server page."""
    out = []
    for kind in ReportKind:
        report = (
            ServerReport.objects.filter(server=server, kind=kind)
            .select_related("read_by")
            .order_by("-period_start")
            .first()
        )
        if report is not None:
            out.append(report)
    return out
