"""Gap-free invoice numbers: one counter row per provider and series, locked by the
transaction that issues the invoice, so a number is used if and only if that
transaction commits."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction

from clausier.billing.models import InvoiceCounter

# Test hook: lets the concurrency test widen the window between read and write.
after_read: Callable[[], None] | None = None


def take_numbers(provider_id: int, series: str, count: int) -> int:
    """Reserve `count` consecutive numbers for a batch issued in this transaction; the first."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_numbers must run inside the transaction that issues the invoices")
    InvoiceCounter.objects.get_or_create(provider_id=provider_id, series=series)
    counter = InvoiceCounter.objects.select_for_update().get(provider_id=provider_id, series=series)
    InvoiceCounter.objects.filter(pk=counter.pk).update(next_number=counter.next_number + count)
    return counter.next_number


def take_number(provider_id: int, series: str, *, lock: bool = True) -> int:
    """The next number of the series; must run inside the issuing transaction.

    `lock=False` exists only so a test can show the race the lock prevents.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_number must run inside the transaction that issues the invoice")
    InvoiceCounter.objects.get_or_create(provider_id=provider_id, series=series)
    counters = InvoiceCounter.objects.filter(provider_id=provider_id, series=series)
    counter = (counters.select_for_update() if lock else counters).get()
    number = counter.next_number
    if after_read is not None:
        after_read()
    InvoiceCounter.objects.filter(pk=counter.pk).update(next_number=number + 1)
    return number
