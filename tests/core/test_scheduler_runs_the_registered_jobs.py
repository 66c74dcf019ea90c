"""`clausier run`'s scheduler runs what the apps registered from their AppConfig.ready():
billing's hourly reminders queue a message, notify's outbox delivery sends it."""

from __future__ import annotations

import time
from datetime import datetime

import pytest

from clausier.core.scheduler import Job, Scheduler, register, registered_jobs
from clausier.notify.models import OutboxMessage, OutboxStatus
from tests.billing.overdue import overdue_invoices


def test_the_apps_register_their_jobs():
    jobs = {job.name: job.every_seconds for job in registered_jobs()}
    assert jobs["outbox delivery"] == 2.0
    assert jobs["payment reminders"] == 3600.0


def test_a_job_needs_a_positive_period():
    with pytest.raises(ValueError, match="positive"):
        register(Job("never", 0, lambda now: None))


@pytest.mark.django_db(transaction=True)
def test_the_registered_jobs_remind_and_deliver(smtp_server):
    _world, [invoice] = overdue_invoices(1)  # due 1 April 2026: long overdue by now
    scheduler = Scheduler(tick=0.05)
    scheduler.start()
    try:
        deadline = time.monotonic() + 30
        while not smtp_server.messages and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        scheduler.stop()
        scheduler.join(timeout=10)
    reminder = OutboxMessage.objects.get(template="payment_reminder")
    assert reminder.idempotency_key.startswith(f"dunning:{invoice.pk}:")
    assert reminder.status == OutboxStatus.SENT
    assert invoice.display_number in smtp_server.messages[0]["Subject"] + str(
        smtp_server.messages[0].get_content()
    )


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
