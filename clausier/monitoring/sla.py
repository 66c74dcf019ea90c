"""Availability over a period from a hard-state history: Icinga DB's `get_sla_ok_percent`.

Pure: it takes the hard state changes, downtimes and "no data" periods and returns a
percentage. Icinga DB's rules (schema/mysql/schema.sql, get_sla_ok_percent):
- only hard states count; a problem is a service CRITICAL or UNKNOWN (a host DOWN);
  WARNING is available;
- time in a downtime counts as available;
- time before the first result is not counted (neither up nor down).
One addition: periods where the monitor itself had no heartbeat are "no data": not
counted either, so an outage of the watcher neither creates a credit nor hides one
(docs/monitoring.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

Interval = tuple[datetime, datetime]


@dataclass(frozen=True)
class HardChange:
    at: datetime
    problem: bool  # CRITICAL / UNKNOWN / host DOWN


@dataclass(frozen=True)
class Availability:
    start: datetime
    end: datetime
    counted: timedelta  # time with data (after the first result, monitor alive)
    problem: timedelta  # unavailable time, downtimes excluded
    no_data: timedelta  # monitor without heartbeat (excluded)
    percent: Decimal | None  # None: nothing counted

    @property
    def available(self) -> timedelta:
        return self.counted - self.problem


def merge(intervals: Iterable[Interval], start: datetime, end: datetime) -> list[Interval]:
    """The union of `intervals` clipped to [start, end), sorted, non-overlapping."""
    clipped = sorted((max(a, start), min(b, end)) for a, b in intervals)
    merged: list[Interval] = []
    for a, b in clipped:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def total(intervals: Iterable[Interval]) -> timedelta:
    return sum((b - a for a, b in intervals), timedelta(0))


def subtract(base: Sequence[Interval], cut: Sequence[Interval]) -> list[Interval]:
    """Parts of the (merged) `base` not covered by the (merged) `cut`."""
    out: list[Interval] = []
    for a, b in base:
        cursor = a
        for c, d in cut:
            if d <= cursor or c >= b:
                continue
            if c > cursor:
                out.append((cursor, c))
            cursor = max(cursor, d)
        if cursor < b:
            out.append((cursor, b))
    return out


def problem_intervals(
    changes: Sequence[HardChange], state_before: bool | None, start: datetime, end: datetime
) -> tuple[list[Interval], datetime | None]:
    """(problem intervals, first instant with data) from the hard changes.

    `state_before`: the hard state (problem?) in force at `start`, None if there was no
    result before `start` (then the period begins at the first change).
    """
    ordered = sorted((c for c in changes if start <= c.at < end), key=lambda c: c.at)
    if state_before is None:
        if not ordered:
            return [], None
        since, problem = ordered[0].at, ordered[0].problem
        rest = ordered[1:]
    else:
        since, problem, rest = start, state_before, ordered
    first_data = since
    out: list[Interval] = []
    for change in rest:
        if problem and change.at > since:
            out.append((since, change.at))
        since, problem = change.at, change.problem
    if problem and end > since:
        out.append((since, end))
    return out, first_data


def sla_ok_percent(
    problems: Sequence[Interval],
    first_data: datetime | None,
    start: datetime,
    end: datetime,
    *,
    downtimes: Iterable[Interval] = (),
    no_data: Iterable[Interval] = (),
) -> Availability:
    """The availability of [start, end) given its problem intervals (see module doc)."""
    blind = merge(no_data, start, end)
    if first_data is None or first_data >= end:
        return Availability(start, end, timedelta(0), timedelta(0), total(blind), None)
    window = subtract([(max(first_data, start), end)], blind)
    down = subtract(merge(problems, start, end), merge(downtimes, start, end))
    down = [piece for interval in down for piece in _clip(interval, window)]
    counted, problem = total(window), total(down)
    percent = None
    if counted > timedelta(0):
        ratio = (
            Decimal(100)
            * Decimal((counted - problem).total_seconds())
            / Decimal(counted.total_seconds())
        )
        percent = ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)
    return Availability(start, end, counted, problem, total(blind), percent)


def _clip(interval: Interval, window: Sequence[Interval]) -> list[Interval]:
    a, b = interval
    return [(max(a, c), min(b, d)) for c, d in window if max(a, c) < min(b, d)]
