"""Art. 3.2: the weekly log report and the monthly chkrootkit test, collected over SSH
from a real OpenSSH server on loopback (a private instance of the machine's sshd), read
by staff with a comment; unread at the period's end it is overdue (board, client page)."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.core.models import AuditEntry
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import MonitoringPolicy, ReportKind, ServerReport
from clausier.monitoring.services import reports
from clausier.notify.models import OutboxMessage
from tests.helpers import PASSWORD
from tests.monitoring.helpers import monitoring_world

PARIS = ZoneInfo("Europe/Paris")
SSHD = Path("/usr/sbin/sshd")

ROOTKIT_SCRIPT = """#!/bin/sh
echo "ROOTDIR is \\`/'"
echo "Checking \\`amd'... not found"
echo "Checking \\`bindshell'... INFECTED (PORTS:  465)"
echo "Checking \\`lkm'... chkproc: nothing detected"
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def sshd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, str, Path]]:
    """A private sshd on a free loopback port (port, client private key, work folder)."""
    if not SSHD.exists():
        subprocess.run(["scripts/servers", "start", "sshd"], check=True, timeout=900)
    folder = tmp_path_factory.mktemp("sshd")
    for name in ("host", "client"):
        subprocess.run(
            ["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(folder / name)], check=True
        )
    (folder / "authorized_keys").write_text((folder / "client.pub").read_text())
    port = free_port()
    (folder / "sshd_config").write_text(
        f"Port {port}\nListenAddress 127.0.0.1\nHostKey {folder / 'host'}\n"
        f"PidFile {folder / 'sshd.pid'}\nAuthorizedKeysFile {folder / 'authorized_keys'}\n"
        "PermitRootLogin prohibit-password\nPubkeyAuthentication yes\n"
        "PasswordAuthentication no\nKbdInteractiveAuthentication no\nUsePAM no\n"
        "StrictModes no\n"
    )
    Path("/run/sshd").mkdir(exist_ok=True)
    process = subprocess.Popen(
        [str(SSHD), "-D", "-f", str(folder / "sshd_config"), "-E", str(folder / "sshd.log")]
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    else:
        process.kill()
        raise AssertionError("sshd did not start: " + (folder / "sshd.log").read_text())
    script = folder / "fake-chkrootkit"
    script.write_text(ROOTKIT_SCRIPT)
    script.chmod(0o755)
    try:
        yield port, (folder / "client").read_text(), folder
    finally:
        process.terminate()
        process.wait(timeout=10)


# --- periods ------------------------------------------------------------------------


def test_a_week_runs_monday_to_monday_in_the_contract_zone():
    sunday_late = datetime(2026, 3, 8, 22, 59, tzinfo=UTC)  # Sunday 23:59 Paris
    monday = datetime(2026, 3, 8, 23, 0, tzinfo=UTC)  # Monday 00:00 Paris
    assert reports.period_of(ReportKind.WEEKLY_LOGS, sunday_late, PARIS).start == date(2026, 3, 2)
    week = reports.period_of(ReportKind.WEEKLY_LOGS, monday, PARIS)
    assert week.start == date(2026, 3, 9)
    assert week.due_at == datetime(2026, 3, 16, tzinfo=PARIS)
    # The week of the spring change ends at Monday 00:00 CEST (22:00 UTC Sunday).
    dst = reports.period_of(ReportKind.WEEKLY_LOGS, datetime(2026, 3, 25, tzinfo=UTC), PARIS)
    assert dst.due_at.astimezone(UTC) == datetime(2026, 3, 29, 22, 0, tzinfo=UTC)


def test_a_month_runs_from_the_first_in_the_contract_zone():
    last_minute = datetime(2026, 1, 31, 22, 59, tzinfo=UTC)  # 31 Jan 23:59 Paris
    first = datetime(2026, 1, 31, 23, 0, tzinfo=UTC)  # 1 Feb 00:00 Paris
    assert reports.period_of(ReportKind.MONTHLY_ROOTKIT, last_minute, PARIS).start == date(
        2026, 1, 1
    )
    february = reports.period_of(ReportKind.MONTHLY_ROOTKIT, first, PARIS)
    assert february.start == date(2026, 2, 1)
    assert february.due_at == datetime(2026, 3, 1, tzinfo=PARIS)


# --- collection over SSH --------------------------------------------------------------


def ssh_world(now, sshd):
    port, key, folder = sshd
    world = monitoring_world(now, ssh_port=port, ssh_user="root", ssh_private_key=key)
    MonitoringPolicy.objects.create(
        provider=world.provider,
        log_report_command="printf 'Logwatch summary\\n sshd: 3 failed logins\\n'",
        rootkit_command=str(folder / "fake-chkrootkit"),
    )
    return world


@pytest.mark.django_db
def test_reports_are_collected_once_per_period_and_findings_reach_the_provider(sshd):
    now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)  # Wednesday
    world = ssh_world(now, sshd)
    assert reports.collect_due(now) == 2
    weekly = ServerReport.objects.get(kind=ReportKind.WEEKLY_LOGS)
    assert weekly.period_start == date(2026, 3, 2) and weekly.exit_status == 0
    assert "3 failed logins" in weekly.output and not weekly.findings
    rootkit = ServerReport.objects.get(kind=ReportKind.MONTHLY_ROOTKIT)
    assert rootkit.period_start == date(2026, 3, 1) and rootkit.findings
    assert "INFECTED" in rootkit.output and rootkit.clause == "Art. 3.2"
    alert = OutboxMessage.objects.get(template="monitoring_report_alert")
    assert alert.to_email == world.provider.support_email and "Art. 3.2" in alert.body
    # Nothing twice within the period.
    assert reports.collect_due(now + timedelta(days=2)) == 0
    # The next week: a new weekly report; the month's chkrootkit stays the one.
    assert reports.collect_due(datetime(2026, 3, 9, 8, 0, tzinfo=UTC)) == 1
    assert ServerReport.objects.filter(kind=ReportKind.WEEKLY_LOGS).count() == 2
    assert ServerReport.objects.filter(kind=ReportKind.MONTHLY_ROOTKIT).count() == 1


@pytest.mark.django_db
def test_a_failing_collection_is_retried_then_reported_missing(sshd):
    now = datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    closed = free_port()  # nothing listens there: connection refused
    monitoring_world(now, ssh_port=closed, ssh_private_key=sshd[1])
    for attempt in range(reports.MAX_ATTEMPTS):
        assert reports.collect_due(now + timedelta(minutes=10 * attempt)) == 0
    report = ServerReport.objects.get(kind=ReportKind.WEEKLY_LOGS)
    assert report.attempts == reports.MAX_ATTEMPTS and report.collected_at is None
    assert report.error
    missing = OutboxMessage.objects.filter(template="monitoring_report_alert")
    assert missing.count() == 2 and "non collecté" in missing.first().subject
    reports.collect_due(now + timedelta(hours=3))  # no more attempts, no more mails
    assert missing.count() == 2


@pytest.mark.django_db
def test_staff_read_with_a_comment_else_it_is_overdue(client, sshd):
    now = timezone.now()
    world = ssh_world(now, sshd)
    reports.collect_due(now)
    weekly = ServerReport.objects.get(kind=ReportKind.WEEKLY_LOGS)
    with pytest.raises(MonitoringError) as exc:
        reports.mark_read(weekly, world.engineer, " ", now)
    assert exc.value.code == "comment_required"

    # Before its period ends the report is not overdue; at the end, it is.
    assert reports.overdue_reports({world.provider.pk}, weekly.due_at - timedelta(seconds=1)) == []
    overdue = reports.overdue_reports({world.provider.pk}, weekly.due_at)
    assert weekly in overdue

    client.login(username=world.admin.email, password=PASSWORD)
    url = f"/supervision/rapports/{weekly.pk}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"comment": "client"}).status_code == 403

    client.logout()
    client.login(username=world.engineer.email, password=PASSWORD)
    assert client.post(url, {"comment": "RAS, trois échecs ssh connus"}).status_code == 302
    weekly.refresh_from_db()
    assert weekly.read_by == world.engineer and weekly.read_comment.startswith("RAS")
    assert AuditEntry.objects.filter(action="monitoring.report_read").exists()
    with pytest.raises(MonitoringError) as exc:
        reports.mark_read(weekly, world.engineer, "encore", now)
    assert exc.value.code == "already_read"

    client.logout()
    client.login(username=world.admin.email, password=PASSWORD)
    page = client.get(f"/supervision/serveurs/{world.server.pk}/").content.decode()
    assert "rapport lu le" in page and "anomalie signalée" in page  # the chkrootkit finding

    # The month's chkrootkit, unread past its period, is on the staff board.
    rootkit = ServerReport.objects.get(kind=ReportKind.MONTHLY_ROOTKIT)
    rootkit.due_at = now - timedelta(minutes=1)
    rootkit.save()
    client.logout()
    client.login(username=world.engineer.email, password=PASSWORD)
    board = client.get("/supervision/problemes/").content.decode()
    assert "overdue-reports" in board and f"/supervision/rapports/{rootkit.pk}/" in board
