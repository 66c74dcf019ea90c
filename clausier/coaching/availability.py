"""Coaches' free slots: weekly recurring openings in the coach's own time zone, minus
public holidays of the provider's seat, minus one-off absences, plus one-off openings,
minus the sessions already booked.

Weekly openings are wall-clock times: a 09:00 opening stays 09:00 local across a DST
change (its UTC instant moves). A local time that does not exist (the spring-forward
hour) is skipped; an ambiguous one (the fall-back hour) takes its first occurrence.
Everything is computed for many coaches at once in three queries, which is what the
booking page and the benchmark ask (`bench/coaching.py`).
"""

from __future__ import annotations

import bisect
import functools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import CharField
from django.db.models.functions import Cast

from clausier.coaching.models import (
    ACTIVE_STATUSES,
    AvailabilityException,
    Coach,
    CoachingSession,
    WeeklySlot,
)
from clausier.core.businesstime import Calendar, weekly

Interval = tuple[datetime, datetime]


@dataclass(frozen=True, slots=True)
class Slot:
    coach_id: int
    starts_at: datetime
    ends_at: datetime


@functools.lru_cache(maxsize=64)
def _holiday_calendar(zone: str, country: str, subdivision: str | None) -> Calendar:
    return Calendar(
        weekly(range(7), "00:00", "24:00"),
        tz=ZoneInfo(zone),
        country=country,
        subdivision=subdivision,
    )


@functools.lru_cache(maxsize=65536)
def wall_to_utc(day: date, at: time, zone: ZoneInfo) -> datetime | None:
    """The UTC instant of a local wall-clock time; None when it does not exist that day."""
    local = datetime.combine(day, at, tzinfo=zone)
    back = local.astimezone(UTC).astimezone(zone)
    if back.replace(tzinfo=None) != local.replace(tzinfo=None):
        return None  # in the spring-forward gap
    return local.astimezone(UTC)


def _utc(text: str) -> datetime:
    # SQLite keeps "YYYY-MM-DD HH:MM:SS[.ffffff]" in UTC; PostgreSQL answers with "+00".
    # (Appending the offset is much cheaper than `replace(tzinfo=...)` on 50,000 values.)
    return datetime.fromisoformat(text if "+" in text[19:] else text + "+00:00")


def _subtract(intervals: list[Interval], cut: Interval) -> list[Interval]:
    result: list[Interval] = []
    for start, end in intervals:
        if cut[1] <= start or cut[0] >= end:
            result.append((start, end))
            continue
        if start < cut[0]:
            result.append((start, cut[0]))
        if cut[1] < end:
            result.append((cut[1], end))
    return result


def _weekly_intervals(
    coach: Coach, slots: Iterable[WeeklySlot], start: datetime, end: datetime
) -> list[Interval]:
    zone = ZoneInfo(coach.time_zone)
    provider = coach.provider
    holidays = _holiday_calendar(
        coach.time_zone, provider.holiday_country, provider.holiday_subdivision or None
    )
    by_weekday: dict[int, list[WeeklySlot]] = defaultdict(list)
    for slot in slots:
        by_weekday[slot.weekday].append(slot)
    intervals: list[Interval] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        if not holidays.is_holiday(day):
            for slot in by_weekday.get(day.weekday(), ()):
                opens, closes = (
                    wall_to_utc(day, slot.starts, zone),
                    wall_to_utc(day, slot.ends, zone),
                )
                if opens is not None and closes is not None and opens < closes:
                    intervals.append((opens, closes))
        day += timedelta(days=1)
    return intervals


def _chunks(
    coach: Coach, intervals: list[Interval], start: datetime, end: datetime, now: datetime
) -> list[Slot]:
    # Slots are cut from each opening's own start (not from the window's), so the grid a
    # participant sees does not depend on the window asked.
    length = timedelta(minutes=coach.slot_minutes)
    slots: list[Slot] = []
    for opens, closes in sorted(intervals):
        at = opens
        while at + length <= closes:
            if at > now and start <= at < end:
                slots.append(Slot(coach.pk, at, at + length))
            at += length
    return slots


def free_slots(
    coaches: Iterable[Coach], start: datetime, end: datetime, now: datetime
) -> dict[int, list[Slot]]:
    """Each coach's bookable slots starting after `now` within [start, end)."""
    by_id = {coach.pk: coach for coach in coaches}
    weekly_slots: dict[int, list[WeeklySlot]] = defaultdict(list)
    for slot in WeeklySlot.objects.filter(coach_id__in=by_id):
        weekly_slots[slot.coach_id].append(slot)
    exceptions: dict[int, list[AvailabilityException]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        coach_id__in=by_id, starts_at__lt=end, ends_at__gt=start
    ):
        exceptions[exception.coach_id].append(exception)
    busy: dict[int, list[Interval]] = defaultdict(list)
    booked = CoachingSession.objects.filter(
        coach_id__in=by_id,
        status__in=ACTIVE_STATUSES,
        starts_at__lt=end + timedelta(days=1),
        ends_at__gt=start,
    ).values_list("coach_id", Cast("starts_at", CharField()), Cast("ends_at", CharField()))
    # As text: tens of thousands of rows, and Django's per-value datetime converters took
    # most of the search (bench/coaching.py); `fromisoformat` parses both backends' text.
    for coach_id, starts_at, ends_at in booked:
        busy[coach_id].append((_utc(starts_at), _utc(ends_at)))
    result: dict[int, list[Slot]] = {}
    for coach_id, coach in by_id.items():
        intervals = _weekly_intervals(coach, weekly_slots[coach_id], start, end)
        for exception in exceptions[coach_id]:
            if exception.available:
                intervals.append((exception.starts_at, exception.ends_at))
            else:
                intervals = _subtract(intervals, (exception.starts_at, exception.ends_at))
        slots = _chunks(coach, intervals, start, end, now)
        taken = _merged(busy[coach_id])
        starts = [s for s, _e in taken]
        result[coach_id] = [slot for slot in slots if not _overlaps(taken, starts, slot)]
    return result


def _merged(intervals: list[Interval]) -> list[Interval]:
    """The union of intervals, sorted and disjoint."""
    merged: list[Interval] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _overlaps(taken: list[Interval], starts: list[datetime], slot: Slot) -> bool:
    # The last busy interval starting before the slot ends is the only one that can
    # overlap it: the intervals are disjoint and sorted.
    index = bisect.bisect_left(starts, slot.ends_at) - 1
    return index >= 0 and taken[index][1] > slot.starts_at


def is_offered(coach: Coach, starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """Whether the coach publishes this exact slot as free (before any lock is taken)."""
    slots = free_slots([coach], starts_at, ends_at, now)[coach.pk]
    return any(s.starts_at == starts_at and s.ends_at == ends_at for s in slots)
