"""The free-slot search (availability.free_slots) against the plain algorithm it replaced.

The search was rewritten for speed (bench/coaching.py: sessions aggregated by the database
and compared as text, the weekly expansion shared by coaches with the same pattern). The
reference below is the former code, session by session with datetimes; on random worlds
(time zones with DST, overlapping weekly openings, extra openings and absences, sessions of
any length starting at any microsecond, cancelled ones, windows across DST nights) both
must give the very same slots, in the same order.
"""

from __future__ import annotations

import random
import uuid
from collections import defaultdict
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clausier.coaching import availability
from clausier.coaching.models import (
    ACTIVE_STATUSES,
    AvailabilityException,
    Coach,
    CoachingSession,
    SessionStatus,
    WeeklySlot,
)
from tests.coaching.builders import coaching_world, make_coach

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
STATUSES = (
    SessionStatus.BOOKED,
    SessionStatus.BOOKED,
    SessionStatus.HELD,
    SessionStatus.CANCELLED,
    SessionStatus.POSTPONED,
)
ZONES = ("Europe/Paris", "America/New_York", "Asia/Kolkata", "UTC")


def reference_free_slots(coaches, start, end, now):
    """The former free_slots: each coach's openings chunked, minus its sessions one by one."""
    result = {}
    for coach in coaches:
        zone = ZoneInfo(coach.time_zone)
        holidays = availability._holiday_calendar(
            coach.time_zone,
            coach.provider.holiday_country,
            coach.provider.holiday_subdivision or None,
        )
        by_weekday = defaultdict(list)
        for slot in WeeklySlot.objects.filter(coach=coach):
            by_weekday[slot.weekday].append(slot)
        intervals = []
        day = start.astimezone(zone).date() - timedelta(days=1)
        while day <= end.astimezone(zone).date():
            if not holidays.is_holiday(day):
                for slot in by_weekday.get(day.weekday(), ()):
                    opens = availability.wall_to_utc(day, slot.starts, zone)
                    closes = availability.wall_to_utc(day, slot.ends, zone)
                    if opens is not None and closes is not None and opens < closes:
                        intervals.append((opens, closes))
            day += timedelta(days=1)
        for exception in AvailabilityException.objects.filter(
            coach=coach, starts_at__lt=end, ends_at__gt=start
        ):
            cut = (exception.starts_at, exception.ends_at)
            if exception.available:
                intervals.append(cut)
            else:
                intervals = availability._subtract(intervals, cut)
        busy = [
            (s.starts_at, s.ends_at)
            for s in CoachingSession.objects.filter(
                coach=coach,
                status__in=ACTIVE_STATUSES,
                starts_at__lt=end + timedelta(days=1),
                ends_at__gt=start,
            )
        ]
        length = timedelta(minutes=coach.slot_minutes)
        slots = []
        for opens, closes in sorted(intervals):
            at = opens
            while at + length <= closes:
                free = not any(s < at + length and e > at for s, e in busy)
                if at > now and start <= at < end and free:
                    slots.append((coach.pk, at, at + length))
                at += length
        result[coach.pk] = slots
    return result


def _random_world(rng: random.Random, w) -> list[Coach]:
    coaches = [w.coach]
    for _ in range(rng.randrange(1, 4)):
        coaches.append(
            make_coach(w.provider, zone=rng.choice(ZONES), slot_minutes=rng.choice((30, 45, 60)))
        )
    base = datetime(2027, 3, 22, tzinfo=UTC)  # the week before the spring DST night
    sessions = []
    for coach in coaches[1:]:
        WeeklySlot.objects.filter(coach=coach).delete()
        for _ in range(rng.randrange(0, 8)):
            opens = rng.randrange(0, 22 * 60, 15)
            closes = min(24 * 60 - 1, opens + rng.randrange(30, 6 * 60, 15))
            WeeklySlot.objects.create(
                coach=coach,
                weekday=rng.randrange(7),
                starts=time(opens // 60, opens % 60),
                ends=time(closes // 60, closes % 60),
            )
    for coach in coaches:
        for _ in range(rng.randrange(0, 3)):
            at = base + timedelta(minutes=rng.randrange(0, 20 * 24 * 60, 30))
            AvailabilityException.objects.create(
                coach=coach,
                starts_at=at,
                ends_at=at + timedelta(minutes=rng.randrange(30, 3 * 24 * 60, 30)),
                available=rng.random() < 0.4,
            )
        taken = set()
        for _ in range(rng.randrange(0, 40)):
            # On the grid mostly, anywhere (to the microsecond) sometimes.
            at = base + timedelta(minutes=rng.randrange(-2 * 24 * 60, 24 * 24 * 60, 15))
            if rng.random() < 0.2:
                at += timedelta(microseconds=rng.randrange(1, 60_000_000))
            status = rng.choice(STATUSES)
            if (coach.pk, at) in taken:
                continue
            taken.add((coach.pk, at))
            length = timedelta(minutes=rng.choice((30, 60, 60, 90, 24 * 60)))
            if rng.random() < 0.1:
                length += timedelta(microseconds=rng.randrange(1, 1_000_000))
            sessions.append(
                CoachingSession(
                    provider=w.provider,
                    client=w.client,
                    subscription=w.subscription,
                    coach=coach,
                    starts_at=at,
                    ends_at=at + length,
                    status=status,
                    period_start=PAID.date(),
                    period_end=PAID.date() + timedelta(days=364),
                    ical_uid=uuid.uuid4().hex,
                    room_name=uuid.uuid4().hex,
                )
            )
    CoachingSession.objects.bulk_create(sessions)
    return list(Coach.objects.filter(pk__in=[c.pk for c in coaches]).select_related("provider"))


@pytest.mark.parametrize("seed", range(12))
def test_free_slots_are_those_of_the_reference_algorithm(seed):
    rng = random.Random(seed)
    w = coaching_world(ORDERED, PAID)
    coaches = _random_world(rng, w)
    total = 0
    for _ in range(4):
        start = datetime(2027, 3, 20, tzinfo=UTC) + timedelta(
            minutes=rng.randrange(0, 10 * 24 * 60, 5), microseconds=rng.randrange(0, 2) * 500
        )
        end = start + timedelta(days=rng.randrange(1, 15), minutes=rng.randrange(0, 120))
        now = start + timedelta(minutes=rng.randrange(-600, 3 * 24 * 60))
        found = availability.free_slots(coaches, start, end, now)
        expected = reference_free_slots(coaches, start, end, now)
        assert {
            coach_id: [(s.coach_id, s.starts_at, s.ends_at) for s in slots]
            for coach_id, slots in found.items()
        } == expected
        total += sum(map(len, expected.values()))
    assert total > 0  # the worlds are not empty


def test_a_session_ending_a_microsecond_into_a_slot_takes_it():
    w = coaching_world(ORDERED, PAID)
    tuesday_9 = datetime(2027, 3, 16, 8, tzinfo=UTC)  # 09:00 CET
    CoachingSession.objects.create(
        provider=w.provider,
        client=w.client,
        subscription=w.subscription,
        coach=w.coach,
        starts_at=tuesday_9 - timedelta(hours=1),
        ends_at=tuesday_9 + timedelta(microseconds=1),
        period_start=PAID.date(),
        period_end=PAID.date() + timedelta(days=364),
        ical_uid="u1",
        room_name="r1",
    )
    coach = Coach.objects.select_related("provider").get(pk=w.coach.pk)
    now = tuesday_9 - timedelta(days=1)
    found = availability.free_slots([coach], now, tuesday_9 + timedelta(hours=3), now)
    starts = [s.starts_at for s in found[coach.pk]]
    assert tuesday_9 not in starts
    assert tuesday_9 + timedelta(hours=1) in starts
