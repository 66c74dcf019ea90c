"""Scenario files for the simulator's figures: made up, but of the shape staff write.

`hosting(count)` cycles through a month of a managed-hosting contract (tickets,
emergencies from request to restoration, availability figures, a SYNTEC revision);
`coaching(count)` through sessions, trainings with OPCO funding, invoices paid late and
subscriptions billed through the billing services. Events stay in chronological order
and every reference names an earlier id, so the whole file is valid.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

# A Monday; written out as local times of the scenario's zone (the offset is dropped).
_START = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
_STEP = timedelta(minutes=7)


def _stamp(at: datetime) -> str:
    return at.strftime("%Y-%m-%dT%H:%M")


def _hosting_block(n: int, at: datetime) -> Iterator[str]:
    """Twelve events, all within a few hours after `at`."""
    server = f"srv{n % 40}"
    if n == 0:
        yield f"{{at: {_stamp(at)}, type: syntec_index, series: new, month: 2025-08, value: 296.2}}"
    yield f"{{at: {_stamp(at)}, type: ticket_opened, id: t{n}}}"
    yield f"{{at: {_stamp(at + _STEP)}, type: ticket_acknowledged, ticket: t{n}}}"
    request = (
        f"{{at: {_stamp(at + 2 * _STEP)}, type: emergency_request, id: r{n}, server: {server}, "
        "monthly_fee: 400.00, blocking: true, full_backup_option: true}"
    )
    yield request
    yield f"{{at: {_stamp(at + 3 * _STEP)}, type: intervention_start, request: r{n}}}"
    pause = "third_party_parts" if n % 2 else "backup_restore"
    yield (
        f"{{at: {_stamp(at + 4 * _STEP)}, type: intervention_pause, request: r{n}, "
        f"reason: {pause}}}"
    )
    yield f"{{at: {_stamp(at + 5 * _STEP)}, type: intervention_resume, request: r{n}}}"
    yield f"{{at: {_stamp(at + 6 * _STEP)}, type: service_restored, request: r{n}}}"
    yield f"{{at: {_stamp(at + 7 * _STEP)}, type: intervention_end, request: r{n}}}"
    month = f"{at.year}-{at.month:02d}"
    yield (
        f"{{at: {_stamp(at + 8 * _STEP)}, type: ha_availability, service: ha{n}, month: {month}, "
        f"percent: {99 + (n % 10) / 10:.2f}, monthly_fee: 250.00}}"
    )
    yield f"{{at: {_stamp(at + 9 * _STEP)}, type: ticket_opened, id: u{n}}}"
    yield f"{{at: {_stamp(at + 10 * _STEP)}, type: ticket_acknowledged, ticket: u{n}}}"
    yield (
        f"{{at: {_stamp(at + 11 * _STEP)}, type: anniversary_revision, id: v{n}, amount: 1200.00}}"
    )


# One coaching block in this many starts a monthly subscription, billed through the
# billing services every month until the end: each issued invoice costs far more than a
# pure rule (~20 ms of ORM work), so this ratio decides the coaching figure.
SUBSCRIPTION_EVERY = 100


def _coaching_block(n: int, at: datetime) -> Iterator[str]:
    """Twelve events; one block in SUBSCRIPTION_EVERY starts and pays a subscription."""
    later = _stamp(at + timedelta(days=5))
    yield f"{{at: {_stamp(at)}, type: session_scheduled, id: s{n}, starts_at: {later}}}"
    yield f"{{at: {_stamp(at + _STEP)}, type: session_postpone_request, session: s{n}}}"
    yield (
        f"{{at: {_stamp(at + 2 * _STEP)}, type: training_scheduled, id: tr{n}, "
        f"starts_at: {_stamp(at + timedelta(days=20))}, price_ht: 3200.00}}"
    )
    yield (
        f"{{at: {_stamp(at + 3 * _STEP)}, type: opco_request, training: tr{n}, amount_ht: 3200.00}}"
    )
    yield (
        f"{{at: {_stamp(at + 4 * _STEP)}, type: opco_agreement, training: tr{n}, "
        "covered_ht: 2500.00}"
    )
    due = at.date().isoformat()  # paid the next morning: a day late
    yield (
        f"{{at: {_stamp(at + 5 * _STEP)}, type: invoice_issued, id: i{n}, amount_ttc: 1440.00, "
        f"due_at: {due}}}"
    )
    yield f"{{at: {_stamp(at + 6 * _STEP)}, type: invoice_disputed, invoice: i{n}}}"
    yield f"{{at: {_stamp(at + 7 * _STEP)}, type: session_scheduled, id: c{n}, starts_at: {later}}}"
    yield f"{{at: {_stamp(at + 8 * _STEP)}, type: session_cancel, session: c{n}}}"
    if n % SUBSCRIPTION_EVERY == 0:
        yield (
            f"{{at: {_stamp(at + 9 * _STEP)}, type: subscription_started, id: sub{n}, "
            "instalment_ht: 100.00, periodicity: monthly}"
        )
        yield f"{{at: {_stamp(at + 10 * _STEP)}, type: first_invoice_paid, subscription: sub{n}}}"
    else:
        yield (
            f"{{at: {_stamp(at + 9 * _STEP)}, type: session_scheduled, id: d{n}, "
            f"starts_at: {later}}}"
        )
        yield f"{{at: {_stamp(at + 10 * _STEP)}, type: session_cancel, session: d{n}}}"
    yield (f"{{at: {_stamp(at + timedelta(hours=20))}, type: invoice_paid, invoice: i{n}}}")


_LINES = {"managed_hosting": _hosting_block, "coaching_training": _coaching_block}


def scenario(service_line: str, count: int) -> str:
    """A valid scenario of exactly `count` events; each block of 12 starts a day later."""
    block = _LINES[service_line]
    events: list[str] = []
    n = 0
    while len(events) < count:
        events.extend(block(n, _START + timedelta(days=n)))
        n += 1
    body = "".join(f"  - {event}\n" for event in events[:count])
    return f"service_line: {service_line}\nevents:\n{body}"
