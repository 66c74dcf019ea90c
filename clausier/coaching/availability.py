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
import itertools
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import connection
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
Weekly = tuple[int, time, time]
# A candidate slot: its start and end as the database writes instants (`_key`, for the
# busy test), and as the datetimes the result carries.
_Candidate = tuple[str, str, datetime, datetime]


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
    coach: Coach, slots: Iterable[Weekly], start: datetime, end: datetime
) -> list[Interval]:
    zone = ZoneInfo(coach.time_zone)
    provider = coach.provider
    holidays = _holiday_calendar(
        coach.time_zone, provider.holiday_country, provider.holiday_subdivision or None
    )
    by_weekday: dict[int, list[tuple[time, time]]] = defaultdict(list)
    for weekday, wall_opens, wall_closes in slots:
        by_weekday[weekday].append((wall_opens, wall_closes))
    intervals: list[Interval] = []
    day = start.astimezone(zone).date() - timedelta(days=1)
    last = end.astimezone(zone).date()
    while day <= last:
        if not holidays.is_holiday(day):
            for wall_opens, wall_closes in by_weekday.get(day.weekday(), ()):
                opens, closes = (
                    wall_to_utc(day, wall_opens, zone),
                    wall_to_utc(day, wall_closes, zone),
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
    weekly_slots: dict[int, list[Weekly]] = defaultdict(list)
    # As text, like the sessions below: Django's per-value time converters cost more than
    # the search itself on a few thousand rows.
    for coach_id, weekday, opens, closes in WeeklySlot.objects.filter(
        coach_id__in=by_id
    ).values_list("coach_id", "weekday", Cast("starts", CharField()), Cast("ends", CharField())):
        weekly_slots[coach_id].append((weekday, _time(opens), _time(closes)))
    exceptions: dict[int, list[AvailabilityException]] = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        coach_id__in=by_id, starts_at__lt=end, ends_at__gt=start
    ):
        exceptions[exception.coach_id].append(exception)
    busy = _busy(list(by_id), start, end)
    # Coaches sharing a time zone, a holiday calendar, a slot length and a weekly pattern
    # share their candidate slots (the weekly expansion is done once per pattern).
    shared: dict[tuple[object, ...], list[_Candidate]] = {}
    result: dict[int, list[Slot]] = {}
    for coach_id, coach in by_id.items():
        weekly_rows = weekly_slots[coach_id]
        if exceptions[coach_id]:
            candidates = _candidates(coach, weekly_rows, exceptions[coach_id], start, end, now)
        else:
            provider = coach.provider
            key = (
                coach.time_zone,
                provider.holiday_country,
                provider.holiday_subdivision,
                coach.slot_minutes,
                tuple(sorted(weekly_rows)),
            )
            if key not in shared:
                shared[key] = _candidates(coach, weekly_rows, [], start, end, now)
            candidates = shared[key]
        taken = busy.get(coach_id)
        if taken is None:
            result[coach_id] = [Slot(coach_id, at, until) for _a, _u, at, until in candidates]
            continue
        ends, earliest = taken
        # A slot [a, b) is taken when some session ending after a starts before b: the
        # earliest start among the sessions ending after a says it.
        last = len(ends)
        result[coach_id] = [
            Slot(coach_id, at, until)
            for a, b, at, until in candidates
            if (index := bisect.bisect_right(ends, a)) == last or earliest[index] >= b
        ]
    return result


def _time(text: str) -> time:
    return time.fromisoformat(text)


def _candidates(
    coach: Coach,
    weekly_rows: list[Weekly],
    exceptions: list[AvailabilityException],
    start: datetime,
    end: datetime,
    now: datetime,
) -> list[_Candidate]:
    intervals = _weekly_intervals(coach, weekly_rows, start, end)
    for exception in exceptions:
        if exception.available:
            intervals.append((exception.starts_at, exception.ends_at))
        else:
            intervals = _subtract(intervals, (exception.starts_at, exception.ends_at))
    return [
        (_key(slot.starts_at), _key(slot.ends_at), slot.starts_at, slot.ends_at)
        for slot in _chunks(coach, intervals, start, end, now)
    ]


# The sessions of each coach as one text "start,end,start,end,…", aggregated by the
# database: 25,000 rows become 200 (bench/coaching.py: fetching and converting the rows one
# by one took most of the 100 ms budget). The instants stay text, compared as text, in UTC
# as "YYYY-MM-DD HH:MM:SS[.ffffff]": SQLite keeps them so (Django writes six digits of
# fraction when there is one); PostgreSQL's ISO output of a UTC timestamp is the same but
# drops the fraction's trailing zeros. Either way equal instants give equal texts and text
# order is time order ("…:00" < "…:00.25" < "…:00.5"); `_key` writes the candidates' so.
def _key(moment: datetime) -> str:
    text = str(moment.astimezone(UTC).replace(tzinfo=None))
    if connection.vendor == "postgresql" and "." in text:
        return text.rstrip("0")
    return text


def _busy(
    coach_ids: list[int], start: datetime, end: datetime
) -> dict[int, tuple[list[str], list[str]]]:
    """Per coach, its active sessions' ends (sorted), and for each, the earliest start of
    the sessions from that one on."""
    if not coach_ids:
        return {}
    table = connection.ops.quote_name(CoachingSession._meta.db_table)
    if connection.vendor == "postgresql":
        pair = "(starts_at AT TIME ZONE 'UTC')::text || ',' || (ends_at AT TIME ZONE 'UTC')::text"
        aggregate = f"string_agg({pair}, ',')"
    else:
        aggregate = "group_concat(starts_at || ',' || ends_at, ',')"
    marks = ", ".join(["%s"] * len(coach_ids))
    statuses = ", ".join(["%s"] * len(ACTIVE_STATUSES))
    # The bounds as the ORM writes them; the coach_busy index answers the query alone.
    field = CoachingSession._meta.get_field("starts_at")
    low = field.get_db_prep_value(start, connection)
    high = field.get_db_prep_value(end + timedelta(days=1), connection)
    sql = (
        f"SELECT coach_id, {aggregate} FROM {table}"  # noqa: S608 -- no user text in it
        f" WHERE coach_id IN ({marks}) AND status IN ({statuses})"
        " AND ends_at > %s AND starts_at < %s GROUP BY coach_id"
    )
    busy: dict[int, tuple[list[str], list[str]]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [*coach_ids, *[str(s) for s in ACTIVE_STATUSES], low, high])
        for coach_id, text in cursor.fetchall():
            instants = text.split(",")
            starts, ends = instants[0::2], instants[1::2]
            # The index hands each coach's sessions over by end already; sort if not.
            if ends != sorted(ends):
                pairs = sorted(zip(ends, starts, strict=True))
                ends, starts = [e for e, _s in pairs], [s for _e, s in pairs]
            starts.reverse()
            earliest = list(itertools.accumulate(starts, min))
            earliest.reverse()
            busy[coach_id] = (ends, earliest)
    return busy


def is_offered(coach: Coach, starts_at: datetime, ends_at: datetime, now: datetime) -> bool:
    """Whether the coach publishes this exact slot as free (before any lock is taken)."""
    slots = free_slots([coach], starts_at, ends_at, now)[coach.pk]
    return any(s.starts_at == starts_at and s.ends_at == ends_at for s in slots)
