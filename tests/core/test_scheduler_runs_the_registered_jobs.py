"""`clausier run`'s scheduler runs what the apps registered from their AppConfig.ready():
billing's hourly reminders queue a message, notify's outbox delivery sends it."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from clausier.core.scheduler import Job, Scheduler, register, registered_jobs, wake
from clausier.notify.models import OutboxMessage, OutboxStatus
from tests.billing.overdue import overdue_invoices


def test_the_apps_register_their_jobs():
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["outbox delivery"].every_seconds == 2.0
    assert jobs["payment reminders"].every_seconds == 3600.0


def test_registering_imports_nothing_heavy():
    # ready() runs in every process: the jobs' modules load when the scheduler runs them.
    code = (
        "import django, sys; django.setup(); "
        "print(sorted(m for m in ('celery', 'weasyprint', 'clausier.billing.tasks') "
        "if m in sys.modules))"
    )
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "clausier.settings"}
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "[]"


def test_a_job_needs_a_positive_period_and_a_dotted_path():
    with pytest.raises(ValueError, match="positive"):
        register(Job("never", 0, lambda now: None))
    with pytest.raises(ValueError, match="dotted path"):
        register(Job("nowhere", 1, "deliver_due"))


@pytest.mark.django_db(transaction=True)
def test_the_registered_jobs_remind_and_deliver(smtp_server):
    _world, [invoice] = overdue_invoices(1)  # due 1 April 2026: long overdue by now
    scheduler = Scheduler(tick=0.05)
    scheduler.start()
    try:
        # Wait on the SMTP server, not the database: the test database is SQLite's
        # shared-cache memory database, whose table locks fail a reader at once (no busy
        # wait) while a lane writes; the lanes retry on their next tick, the test would not.
        deadline = time.monotonic() + 120
        while not _reminded(smtp_server) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        scheduler.stop()
        scheduler.join()
    reminder = OutboxMessage.objects.get(template="payment_reminder")
    assert reminder.idempotency_key.startswith(f"dunning:{invoice.pk}:")
    assert reminder.status == OutboxStatus.SENT
    delivered = [
        str(message.get_content())
        for message in smtp_server.messages
        if message["X-Clausier-Template"] == "payment_reminder"
    ]
    assert any(invoice.display_number in body for body in delivered), delivered


def _reminded(smtp_server) -> bool:
    received = list(smtp_server.messages)
    return any(message["X-Clausier-Template"] == "payment_reminder" for message in received)


def test_one_failing_job_does_not_stop_the_others():
    ran: list[datetime] = []

    def broken(now: datetime) -> None:
        raise RuntimeError("boom")

    scheduler = Scheduler([Job("broken", 0.05, broken), Job("fine", 0.05, ran.append)], 0.05)
    scheduler.start()
    time.sleep(0.5)
    scheduler.stop()
    scheduler.join(timeout=5)
    assert len(ran) >= 2


def test_each_lane_runs_in_its_own_thread_and_a_woken_job_runs_at_once():
    # A slow job in one lane does not hold back the other lane; a woken job runs at once
    # instead of at its (long) period.
    slow_started, release = threading.Event(), threading.Event()
    quick_runs: list[float] = []

    def slow(now: datetime) -> None:
        slow_started.set()
        release.wait(10)

    jobs = [
        Job("slow", 3600, slow),
        Job("quick", 3600, lambda now: quick_runs.append(time.monotonic())),
    ]
    schedulers = [Scheduler([jobs[0]], 0.05, "main"), Scheduler([jobs[1]], 0.05, "outbox")]
    for scheduler in schedulers:
        scheduler.start()
    try:
        assert slow_started.wait(5)
        deadline = time.monotonic() + 5
        while not quick_runs and time.monotonic() < deadline:
            time.sleep(0.01)
        assert len(quick_runs) == 1  # its first tick, while "slow" still runs
        time.sleep(0.3)
        assert len(quick_runs) == 1  # its period is an hour: not again by itself
        woken = time.monotonic()
        wake("quick")
        deadline = time.monotonic() + 5
        while len(quick_runs) < 2 and time.monotonic() < deadline:
            time.sleep(0.005)
        assert len(quick_runs) == 2
        assert quick_runs[1] - woken < 0.5
    finally:
        release.set()
        for scheduler in schedulers:
            scheduler.stop()
            scheduler.join()


def test_the_outbox_delivery_has_its_own_lane():
    jobs = {job.name: job for job in registered_jobs()}
    assert jobs["outbox delivery"].lane == "outbox"
    assert jobs["payment reminders"].lane == "main"
