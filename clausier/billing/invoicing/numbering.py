"""Gap-free invoice numbers: one counter row per provider and series, locked by the
transaction that issues the invoices, so a number is used if and only if that
transaction commits."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from clausier.billing.models import InvoiceCounter


def locked_counter(provider_id: int, series: str) -> InvoiceCounter:
    """The counter row, locked (SELECT … FOR UPDATE) until the issuing transaction ends."""
    counters = InvoiceCounter.objects.filter(provider_id=provider_id, series=series)
    counter = counters.select_for_update().first()
    if counter is None:
        # The series' first invoice; a concurrent first one waits on the unique key.
        InvoiceCounter.objects.get_or_create(provider_id=provider_id, series=series)
        counter = counters.select_for_update().get()
    return counter


# Test hooks: the concurrency test reads the counter without its lock (`read_counter`)
# and widens the window between reading and writing it back (`after_read`).
read_counter: Callable[[int, str], InvoiceCounter] = locked_counter
after_read: Callable[[], None] | None = None


def take_numbers(provider_id: int, series: str, count: int) -> int:
    """Reserve `count` consecutive numbers for invoices issued in this transaction; the first."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_numbers must run inside the transaction that issues the invoices")
    counter = read_counter(provider_id, series)
    first = counter.next_number
    if after_read is not None:
        after_read()
    InvoiceCounter.objects.filter(pk=counter.pk).update(next_number=first + count)
    return first
