"""Business-time arithmetic: opening hours in a time zone, French public holidays, closures.

Contracts count some delays in business time ("1 heure ouvrable", "10 jours ouvrés") and
others in clock time. A `Calendar` answers the business-time questions: is this instant
open, when does it next open, what instant is N business hours after this one, how much
business time lies between two instants.

Design choices, each for a reason:
- Weekly segments are wall-clock intervals in the calendar's zone, so 09:00-18:00 stays
  09:00-18:00 across daylight-saving changes; durations are real elapsed time, so a DST
  night lasts 23 or 25 hours and the missing hour is never counted.
- We iterate over days and their (at most a few) segments, never over minutes, and cache
  each day's open intervals: the bench calls `add` and `between` in tight loops.
- Every datetime in and out is timezone-aware; results are UTC because we store UTC.
- `add` returns the *earliest* instant at which the duration has elapsed: one business
  hour from Friday 17:00 is Friday 18:00, not Monday 09:00. Both are equal in business
  time, and the earlier one is the reading least favourable to the provider who drafted
  the deadline (Code civil art. 1190).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from typing import NamedTuple
from zoneinfo import ZoneInfo

import holidays

from clausier.core.calendar import DEFAULT_CONTRACT_ZONE

PARIS = DEFAULT_CONTRACT_ZONE

DAY = timedelta(days=1)
_ZERO = timedelta(0)
_MONDAY_TO_FRIDAY = (0, 1, 2, 3, 4)
# A calendar with at least one weekly segment opens at least once a week; holidays and
# closures are finite, so a search that finds nothing in this many days is a bug.
_MAX_CLOSED_DAYS = 3660
# Bounds the per-calendar day cache (about 130 years of days) for long-running processes.
_MAX_CACHED_DAYS = 50_000

_Intervals = tuple[tuple[datetime, datetime], ...]
_Day = tuple[_Intervals, timedelta]


class Segment(NamedTuple):
    """One weekly opening interval: weekday (0 = Monday) and offsets from local midnight."""

    weekday: int
    start: timedelta
    end: timedelta


def segment(weekday: int, start: str, end: str) -> Segment:
    """Build a segment from "HH:MM" strings; "24:00" means the end of the day."""
    return Segment(weekday, _parse_offset(start), _parse_offset(end))


def _parse_offset(text: str) -> timedelta:
    try:
        hours, minutes = (int(part) for part in text.split(":"))
    except ValueError:
        raise ValueError(f"expected HH:MM, got {text!r}") from None
    if not (0 <= minutes < 60 and 0 <= hours <= 24) or (hours == 24 and minutes):
        raise ValueError(f"not a time of day: {text!r}")
    return timedelta(hours=hours, minutes=minutes)


def _require_aware(at: datetime, name: str = "datetime") -> None:
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {at.isoformat()}")


@functools.lru_cache(maxsize=512)
def _public_holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


@functools.cache
def _supported() -> dict[str, list[str]]:
    return dict(holidays.list_supported_countries())


class HolidaySeat(NamedTuple):
    """Whose public holidays a calendar observes: a country and, where its law differs,
    a subdivision ("FR" and None for Bouches-du-Rhône, "FR" and "57" for Moselle)."""

    country: str = "FR"
    subdivision: str | None = None

    def check(self) -> None:
        subdivisions = _supported().get(self.country)
        if subdivisions is None:
            raise ValueError(f"unknown country for public holidays: {self.country!r}")
        if self.subdivision is not None and self.subdivision not in subdivisions:
            raise ValueError(f"unknown {self.country} subdivision: {self.subdivision!r}")


@dataclass(frozen=True)
class Calendar:
    """Weekly opening segments in `tz`, minus French public holidays and one-off closures.

    `country` and `subdivision` select the holiday list: "FR" and None for general French
    law, "57" (Moselle) or "6AE" (Alsace) add Good Friday and 26 December. Contracts
    read here take the provider's seat (see `HolidaySeat`). `observe_holidays=False`
    gives a calendar that ignores holidays (useful for 24/7 services).
    """

    segments: tuple[Segment, ...]
    tz: ZoneInfo = PARIS
    subdivision: str | None = None
    closures: frozenset[date] = field(default_factory=frozenset)
    observe_holidays: bool = True
    country: str = "FR"
    # Per-day open intervals, filled on demand. Kept on the instance (not in an lru_cache
    # keyed by the calendar) so a lookup does not hash the whole calendar every time.
    _days: dict[date, _Day] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        # Accept any iterable of closures but keep a hashable, order-free value, so that
        # equal calendars compare and hash equal (office_hours() memoises them by value).
        object.__setattr__(self, "closures", frozenset(self.closures))
        object.__setattr__(self, "segments", tuple(sorted(Segment(*s) for s in self.segments)))
        if not self.segments:
            raise ValueError("a calendar needs at least one weekly opening segment")
        for seg in self.segments:
            if not 0 <= seg.weekday <= 6:
                raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday): {seg}")
            if not _ZERO <= seg.start < seg.end <= DAY:
                raise ValueError(f"segment must satisfy 00:00 <= start < end <= 24:00: {seg}")
        for before, after in pairwise(self.segments):
            if before.weekday == after.weekday and after.start < before.end:
                raise ValueError(f"overlapping segments: {before} and {after}")
        HolidaySeat(self.country, self.subdivision).check()

    # -- days -----------------------------------------------------------------------

    def is_holiday(self, day: date) -> bool:
        return self.observe_holidays and day in _public_holidays(
            self.country, self.subdivision, day.year
        )

    def is_working_day(self, day: date) -> bool:
        """A day with at least one opening (a "jour ouvré" for a Monday-Friday calendar)."""
        return bool(self._day(day)[0])

    def _local_date(self, at: datetime) -> date:
        return at.astimezone(self.tz).date()

    def _day(self, day: date) -> _Day:
        """The open intervals of one local day (UTC [start, end) pairs) and their total."""
        cached = self._days.get(day)
        if cached is None:
            if len(self._days) > _MAX_CACHED_DAYS:
                self._days.clear()
            intervals = _open_intervals(self, day)
            cached = (intervals, sum((end - start for start, end in intervals), _ZERO))
            self._days[day] = cached
        return cached

    def _days_from(self, day: date) -> Iterator[tuple[date, _Intervals]]:
        closed_run = 0
        while True:
            intervals = self._day(day)[0]
            if intervals:
                closed_run = 0
            else:
                closed_run += 1
                if closed_run > _MAX_CLOSED_DAYS:
                    raise ValueError("calendar never opens again")
            yield day, intervals
            day += DAY

    # -- instants -------------------------------------------------------------------

    def is_open(self, at: datetime) -> bool:
        _require_aware(at)
        at = at.astimezone(UTC)  # UTC-to-UTC comparisons skip a zone lookup per comparison
        return any(start <= at < end for start, end in self._day(self._local_date(at))[0])

    def next_opening(self, at: datetime) -> datetime:
        """The first open instant at or after `at` (`at` itself, in UTC, if open)."""
        _require_aware(at)
        for _day, intervals in self._days_from(self._local_date(at)):
            for start, end in intervals:
                if end > at:
                    return max(start, at.astimezone(UTC))
        raise AssertionError("unreachable")  # pragma: no cover - _days_from raises first

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest instant at which `duration` of business time has elapsed."""
        _require_aware(start, "start")
        if duration < _ZERO:
            raise ValueError(f"business duration must not be negative: {duration}")
        cursor = start.astimezone(UTC)
        if not duration:
            return cursor
        remaining = duration
        for _day, intervals in self._days_from(self._local_date(start)):
            for seg_start, seg_end in intervals:
                if seg_end <= cursor:
                    continue
                begin = max(seg_start, cursor)
                available = seg_end - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        raise AssertionError("unreachable")  # pragma: no cover

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end); negative when `end` is before `start`."""
        _require_aware(start, "start")
        _require_aware(end, "end")
        if end < start:
            return -self.between(end, start)
        start, end = start.astimezone(UTC), end.astimezone(UTC)
        first_day, last_day = self._local_date(start), self._local_date(end)
        total = self._overlap(first_day, start, end)
        if last_day > first_day:
            total += self._overlap(last_day, start, end)
        # Days strictly inside the range are open all their open time: add cached totals.
        day = first_day + DAY
        while day < last_day:
            total += self._day(day)[1]
            day += DAY
        return total

    def _overlap(self, day: date, start: datetime, end: datetime) -> timedelta:
        total = _ZERO
        for seg_start, seg_end in self._day(day)[0]:
            overlap = min(seg_end, end) - max(seg_start, start)
            if overlap > _ZERO:
                total += overlap
        return total

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (`day` itself is not counted).

        "Dans un délai de dix jours ouvrés à compter du ..." starts counting the next day,
        as French law counts délais (Code de procédure civile art. 641 by analogy).
        """
        if count < 0:
            raise ValueError(f"working-day count must not be negative: {count}")
        if count == 0:
            return day
        found = 0
        for current, intervals in self._days_from(day + DAY):
            if intervals:
                found += 1
            if found >= count:
                return current
        raise AssertionError("unreachable")  # pragma: no cover


def _wall_to_utc(day: date, offset: timedelta, tz: ZoneInfo) -> datetime:
    """The UTC instant of wall-clock `day` + `offset` in `tz`.

    Ambiguous wall times (the repeated autumn hour) take their first occurrence.
    Non-existent ones (the skipped spring hour) are moved to the end of the gap, so a
    segment boundary inside the gap never adds time that did not exist.
    """
    naive = datetime.combine(day, time()) + offset
    aware = naive.replace(tzinfo=tz)
    utc = aware.astimezone(UTC)
    if utc.astimezone(tz).replace(tzinfo=None) == naive:
        return utc
    # In a gap: fold=1 lies before the transition, fold=0 after; bisect to the second.
    low = naive.replace(tzinfo=tz, fold=1).astimezone(UTC)
    high = utc
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).replace(tzinfo=None) < naive:
            low = middle
        else:
            high = middle
    return high.replace(microsecond=0) if high.microsecond else high


def _open_intervals(calendar: Calendar, day: date) -> _Intervals:
    if day in calendar.closures or calendar.is_holiday(day):
        return ()
    weekday = day.weekday()
    intervals = []
    for seg in calendar.segments:
        if seg.weekday != weekday:
            continue
        start = _wall_to_utc(day, seg.start, calendar.tz)
        end = _wall_to_utc(day, seg.end, calendar.tz)
        if end > start:
            intervals.append((start, end))
    return tuple(intervals)


def weekly(weekdays: Iterable[int], start: str, end: str) -> tuple[Segment, ...]:
    """The same opening hours on each of `weekdays`."""
    return tuple(segment(weekday, start, end) for weekday in weekdays)


@functools.lru_cache(maxsize=64)
def _office_hours(subdivision: str | None, closures: frozenset[date]) -> Calendar:
    return Calendar(weekly(_MONDAY_TO_FRIDAY, "09:00", "18:00"), PARIS, subdivision, closures)


@functools.lru_cache(maxsize=64)
def _business_days(subdivision: str | None, closures: frozenset[date]) -> Calendar:
    return Calendar(weekly(_MONDAY_TO_FRIDAY, "00:00", "24:00"), PARIS, subdivision, closures)


def office_hours(subdivision: str | None = None, closures: Iterable[date] = ()) -> Calendar:
    """HO: Monday-Friday 09:00-18:00 Europe/Paris, French public holidays excluded."""
    return _office_hours(subdivision, frozenset(closures))


def business_days(subdivision: str | None = None, closures: Iterable[date] = ()) -> Calendar:
    """The "heures ouvrées" of business days: every hour of Monday-Friday non-holiday days."""
    return _business_days(subdivision, frozenset(closures))


def is_office_hours(at: datetime, calendar: Calendar | None = None) -> bool:
    """HO/HNO classification: True in office hours (HO), False in HNO."""
    return (calendar or office_hours()).is_open(at)
