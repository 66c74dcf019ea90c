"""Re-notification (Icinga's notification `interval`): while a HARD problem persists
unacknowledged, its recipients are told again every N minutes; it stops on
acknowledgement, recovery and downtime; default none; each reminder exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from django.utils import timezone

from clausier.monitoring.models import MonitoringPolicy, Renotification
from clausier.monitoring.services.operations import acknowledge, schedule_downtime
from clausier.monitoring.services.renotify import renotify_due
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world
from tests.monitoring.test_a_killed_monitor_loses_and_doubles_nothing import (
    ROOT,
    count,
    env_for,
    manage,
    wait_for,
)

CRIT, OK = State.CRITICAL, State.OK
MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def reminders():
    return OutboxMessage.objects.filter(idempotency_key__startswith="monitoring-renotify:")


def hard_problem(service, start):
    """OK then three CRITICALs a minute apart: HARD at the last, problem alert then."""
    return feed(service, [OK, CRIT, CRIT, CRIT], start)


def run_at(at):
    with time_machine.travel(at, tick=False):
        return renotify_due(timezone.now())


@pytest.mark.django_db
def test_by_default_there_is_no_renotification():
    world = monitoring_world(MONDAY_10)
    hard_at = hard_problem(world.service("HTTP"), MONDAY_10)
    assert run_at(hard_at + timedelta(days=2)) == 0
    assert not reminders().exists()


@pytest.mark.django_db
def test_every_interval_once_until_acknowledged():
    world = monitoring_world(MONDAY_10)
    http = world.service("HTTP")
    http.renotify_minutes = 30
    http.save()
    hard_at = hard_problem(http, MONDAY_10)
    problem_mails = OutboxMessage.objects.filter(template="monitoring_alert").count()
    recipients = problem_mails  # one problem mail per recipient so far
    assert run_at(hard_at + timedelta(minutes=29, seconds=59)) == 0  # the day before
    assert run_at(hard_at + timedelta(minutes=30)) == 1  # the day of
    assert run_at(hard_at + timedelta(minutes=45)) == 0  # same interval: nothing twice
    assert run_at(hard_at + timedelta(minutes=59, seconds=59)) == 0
    assert run_at(hard_at + timedelta(minutes=60)) == 1  # the next one
    assert reminders().count() == 2 * recipients
    mail = reminders().filter(to_email=world.admin.email).first()
    assert mail is not None and "RAPPEL" in mail.subject and "Art. 3.2" in mail.body
    # A late job (three intervals missed) sends the latest reminder only, not a burst.
    assert run_at(hard_at + timedelta(minutes=150)) == 1
    assert list(Renotification.objects.order_by("number").values_list("number", flat=True)) == [
        1,
        2,
        5,
    ]
    with time_machine.travel(hard_at + timedelta(minutes=155), tick=False):
        acknowledge(http, world.engineer, "on regarde", timezone.now())
    assert run_at(hard_at + timedelta(minutes=180)) == 0


@pytest.mark.django_db
def test_the_provider_default_applies_and_recovery_or_downtime_stop_it():
    world = monitoring_world(MONDAY_10)
    MonitoringPolicy.objects.create(provider=world.provider, renotify_minutes=60)
    http, smtp = world.service("HTTP"), world.service("SMTP")
    smtp.renotify_minutes = 0  # off for this one service
    smtp.save()
    hard_at = hard_problem(http, MONDAY_10)
    hard_problem(smtp, MONDAY_10)
    assert run_at(hard_at + timedelta(minutes=60)) == 1  # HTTP only
    # Downtime: no reminder while it lasts.
    with time_machine.travel(hard_at + timedelta(minutes=61), tick=False):
        schedule_downtime(
            world.server,
            starts_at=timezone.now(),
            ends_at=timezone.now() + timedelta(hours=2),
            reason="travaux",
            now=timezone.now(),
        )
    assert run_at(hard_at + timedelta(minutes=120)) == 0
    # Recovery: the problem is gone, nothing more.
    feed(http, [OK], hard_at + timedelta(minutes=130))
    assert run_at(hard_at + timedelta(hours=4)) == 0
    assert Renotification.objects.count() == 1


SERVICES = 200
SETUP = f"""
from datetime import datetime, timezone as tz
from clausier.monitoring.models import ManagedServer, MonitoredService
from clausier.monitoring.services.results import Observation, record_result
from clausier.probes.result import State
from tests.helpers import make_client, make_client_user, make_provider
provider = make_provider("Kalanda")
client = make_client(provider, "Boulangerie")
make_client_user(client)
server = ManagedServer.objects.create(
    provider=provider, client=client, name="www", address="127.0.0.1"
)
server.services.all().delete()
MonitoredService.objects.bulk_create([
    MonitoredService(server=server, name=f"port-{{i}}", kind="tcp", params={{"port": 1}},
                     max_check_attempts=1, renotify_minutes=10)
    for i in range({SERVICES})
])
at = datetime(2026, 3, 2, 9, 0, tzinfo=tz.utc)
for service in MonitoredService.objects.all():
    record_result(service.pk, Observation(State.CRITICAL, "down"), at)
"""
LOOP = """
import time
from datetime import datetime, timedelta, timezone as tz
from clausier.monitoring.services.renotify import renotify_due
now = datetime(2026, 3, 2, 9, 25, tzinfo=tz.utc)
while True:
    renotify_due(now)
    time.sleep(0.1)
"""


def test_a_killed_job_sends_each_reminder_exactly_once(tmp_path: Path) -> None:
    manage(tmp_path, "migrate", "--no-input", "-v", "0")
    manage(tmp_path, "shell", "-c", SETUP)
    db = tmp_path / "clausier.sqlite3"
    problems = count(db, "select count(*) from monitoring_alert where kind = 'problem'")
    assert problems == SERVICES
    command = [sys.executable, str(ROOT / "manage.py"), "shell", "-c", LOOP]
    first = subprocess.Popen(command, env=env_for(tmp_path), cwd=ROOT)
    try:
        wait_for(db, "select count(*) from monitoring_renotification", SERVICES // 4)
        os.kill(first.pid, signal.SIGKILL)
        first.wait(timeout=30)
        killed_at = count(db, "select count(*) from monitoring_renotification")
        assert killed_at < SERVICES, "the kill came too late to prove anything"
        second = subprocess.Popen(command, env=env_for(tmp_path), cwd=ROOT)
        try:
            wait_for(db, "select count(*) from monitoring_renotification", SERVICES)
            time.sleep(1.5)  # more loops over the same interval: nothing more
        finally:
            second.send_signal(signal.SIGKILL)
            second.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    # 25 minutes after the alert at a 10-minute interval: reminder number 2, once each.
    assert count(db, "select count(*) from monitoring_renotification") == SERVICES
    assert count(db, "select count(distinct number) from monitoring_renotification") == 1
    assert count(db, "select max(number) from monitoring_renotification") == 2
    alerts = (
        "select count(*) from notify_outboxmessage where idempotency_key like 'monitoring-alert:%'"
    )
    recipients = count(db, alerts) // SERVICES
    assert recipients >= 2  # the client's person and the provider
    reminders = count(
        db,
        "select count(*) from notify_outboxmessage "
        "where idempotency_key like 'monitoring-renotify:%'",
    )
    assert reminders == SERVICES * recipients
