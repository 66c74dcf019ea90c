"""The reminder job reads `next_reminder_at`: issue schedules it, payment clears it, each
reminder moves it to the next level; a batch costs the same queries whatever its size."""

from __future__ import annotations

import importlib
import threading
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext

from clausier.billing import services
from clausier.billing.invoicing.issue import issue
from clausier.billing.models import Invoice, InvoiceKind
from clausier.billing.payments import reminders
from clausier.notify.models import OutboxMessage
from tests.billing.overdue import DUE, ISSUED, LINE, overdue_invoices

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
migration = importlib.import_module(
    "clausier.billing.migrations.0012_invoice_next_reminder_at_and_its_partial_index"
)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_an_issued_invoice_is_reminded_from_local_midnight_after_its_due_date():
    _world, [invoice] = overdue_invoices(1)
    invoice.refresh_from_db()
    assert invoice.next_reminder_at == datetime(2026, 4, 2, tzinfo=PARIS)


def test_a_credit_note_is_never_scheduled():
    world, [invoice] = overdue_invoices(1)
    note = issue(
        now=ISSUED,
        provider=world["provider"],
        client=invoice.client,
        lines=[LINE],
        idempotency_key="note",
        due_on=DUE,
        kind=InvoiceKind.CREDIT_NOTE,
        corrects=invoice,
    )
    assert Invoice.objects.get(pk=note.pk).next_reminder_at is None


def test_each_reminder_moves_the_date_to_the_next_level_then_clears_it():
    _world, [invoice] = overdue_invoices(1)
    seen = []
    for day in (date(2026, 4, 2), date(2026, 4, 9), date(2026, 4, 16)):
        assert reminders.send_reminders(at(day)) == 1
        seen.append(Invoice.objects.get(pk=invoice.pk).next_reminder_at)
    assert seen == [datetime(2026, 4, 9, tzinfo=PARIS), datetime(2026, 4, 16, tzinfo=PARIS), None]


def test_a_paid_invoice_is_not_reminded():
    _world, [invoice] = overdue_invoices(1)
    services.record_payment(
        now=at(date(2026, 4, 1)),
        invoice=invoice,
        amount=invoice.total_ttc,
        method="transfer",
        reference="paid-on-time",
    )
    assert Invoice.objects.get(pk=invoice.pk).next_reminder_at is None
    assert reminders.send_reminders(at(date(2026, 4, 20))) == 0
    assert not OutboxMessage.objects.filter(template="payment_reminder").exists()


def test_an_invoice_settled_by_a_credit_note_is_dropped_when_claimed():
    world, [invoice] = overdue_invoices(1)
    issue(
        now=ISSUED,
        provider=world["provider"],
        client=invoice.client,
        lines=[LINE],
        idempotency_key="full-credit",
        due_on=DUE,
        kind=InvoiceKind.CREDIT_NOTE,
        corrects=invoice,
    )
    assert reminders.send_reminders(at(date(2026, 4, 20))) == 0
    assert Invoice.objects.get(pk=invoice.pk).next_reminder_at is None


def test_a_claimed_row_is_not_claimed_again_until_its_lease_runs_out():
    _world, invoices = overdue_invoices(4)
    now = at(date(2026, 4, 3))
    first = reminders.claim_due(now, limit=3)
    second = reminders.claim_due(now, limit=3)
    assert len(first) == 3
    assert set(second) == {invoices[3].pk}  # only the one left
    assert reminders.claim_due(now, limit=3) == []
    # A worker that died holding its claim: the rows come back after the lease.
    assert sorted(reminders.claim_due(now + reminders.CLAIM_LEASE, limit=10)) == sorted(
        invoice.pk for invoice in invoices
    )


def queries_of_one_batch(count: int) -> tuple[int, int]:
    overdue_invoices(count, key=f"batch-of-{count}")
    now = at(date(2026, 4, 9))
    with CaptureQueriesContext(connection) as claimed:
        ids = reminders.claim_due(now, limit=100)
    with CaptureQueriesContext(connection) as reminded:
        queued = reminders.remind_batch(ids, now)
    assert len(ids) == count
    assert queued == count  # one recipient per invoice
    return len(claimed), len(reminded)


def test_one_batch_costs_the_same_queries_for_3_or_30_invoices():
    small = queries_of_one_batch(3)
    large = queries_of_one_batch(30)
    assert small == large, (small, large)
    assert sum(large) <= 12


def test_the_migration_schedules_the_unpaid_invoices_only():
    _world, [unpaid, paid] = overdue_invoices(2)
    services.record_payment(
        now=at(date(2026, 4, 1)),
        invoice=paid,
        amount=paid.total_ttc,
        method="transfer",
        reference="p",
    )
    Invoice.objects.update(next_reminder_at=None)  # as the rows were before the column

    migration.schedule_unpaid_invoices(apps, None)

    assert Invoice.objects.get(pk=unpaid.pk).next_reminder_at == datetime(2026, 4, 2, tzinfo=PARIS)
    assert Invoice.objects.get(pk=paid.pk).next_reminder_at is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_on_postgresql_never_claim_the_same_invoice():
    if connection.vendor != "postgresql":
        pytest.skip(
            "SKIP LOCKED needs PostgreSQL (DATABASE_URL); the SQLite path runs on "
            "a real worker in test_tasks_run_on_a_real_worker.py"
        )
    overdue_invoices(40)
    now = at(date(2026, 4, 9))
    barrier = threading.Barrier(2)
    claimed: list[list[int]] = [[], []]
    queued = [0, 0]

    def worker(n: int) -> None:
        barrier.wait()
        try:
            while ids := reminders.claim_due(now, limit=3):
                claimed[n].extend(ids)
                queued[n] += reminders.remind_batch(ids, now)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not set(claimed[0]) & set(claimed[1])
    assert len(claimed[0]) + len(claimed[1]) == 40
    assert sum(queued) == OutboxMessage.objects.filter(template="payment_reminder").count() == 40
