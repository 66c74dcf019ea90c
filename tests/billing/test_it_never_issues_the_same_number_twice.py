"""Two issuers at once on PostgreSQL: first the race without the lock (same number
read twice: the test swaps the counter read for an unlocked one), then the lock
preventing it (STYLE.md habit 7)."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, connections

from clausier.accounts.models import ServiceLine
from clausier.billing.invoicing import numbering
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Invoice, InvoiceCounter
from tests.billing.builders import billing_world

NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
LINE = LineDraft(
    description="Prestation", unit_price_ht=Decimal("10.00"), vat_rate=Decimal("20.00")
)
WORKERS = 4


def issue_concurrently(world: dict, key: str) -> list[str]:
    barrier = threading.Barrier(WORKERS)
    outcomes: list[str] = []

    def worker(n: int) -> None:
        barrier.wait()
        try:
            issue(
                now=NOW,
                provider=world["provider"],
                client=world["client"],
                lines=[LINE],
                idempotency_key=f"{key}-{n}",
                due_on=NOW.date(),
            )
            outcomes.append("ok")
        except IntegrityError:
            outcomes.append("duplicate number")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(WORKERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


@pytest.fixture
def slow_read(monkeypatch):
    # Widen the window between reading the counter and writing it back, as a busy
    # server would.
    monkeypatch.setattr(numbering, "after_read", lambda: time.sleep(0.2))


@pytest.fixture
def unlocked_read(monkeypatch):
    # What the issuing path would do without SELECT … FOR UPDATE on the counter.
    def read(provider_id: int, series: str) -> InvoiceCounter:
        counter, _created = InvoiceCounter.objects.get_or_create(
            provider_id=provider_id, series=series
        )
        return counter

    monkeypatch.setattr(numbering, "read_counter", read)


@pytest.fixture
def world(db):
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (DATABASE_URL)")
    return billing_world(ServiceLine.MANAGED_HOSTING, NOW)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_issuers_take_the_same_number(world, slow_read, unlocked_read):
    outcomes = issue_concurrently(world, "unlocked")
    assert "duplicate number" in outcomes, outcomes


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_numbers_are_unique_and_gap_free(world, slow_read):
    outcomes = issue_concurrently(world, "locked")
    assert outcomes == ["ok"] * WORKERS
    assert sorted(Invoice.objects.values_list("number", flat=True)) == list(range(1, WORKERS + 1))


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_billing_runs_bill_each_period_once(world):
    from datetime import date

    from clausier.billing.seed import seed_subscriptions
    from clausier.billing.services import bill_due
    from tests.helpers import make_staff

    make_staff(world["provider"])
    seed_subscriptions(world["provider"], 300, date(2026, 1, 1), NOW)
    barrier = threading.Barrier(2)
    counts: list[int] = []

    def run() -> None:
        barrier.wait()
        try:
            counts.append(len(bill_due(now=NOW, until=date(2026, 3, 1), batch_size=50)))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(counts) == 900, counts  # three months of 300 subscriptions, once each
    numbers = sorted(Invoice.objects.values_list("number", flat=True))
    assert numbers == list(range(1, 901))
