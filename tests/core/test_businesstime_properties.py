"""Business-time engine: properties that hold for every calendar, instant and duration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import holidays
from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.core.businesstime import (
    PARIS,
    Calendar,
    business_days,
    office_hours,
    segment,
    weekly,
)

CALENDARS = [
    office_hours(),
    office_hours("57"),
    office_hours("6AE", closures=[date(2026, 12, 24), date(2027, 8, 16)]),
    business_days(),
    business_days("57"),
    Calendar(weekly(range(7), "00:00", "24:00"), observe_holidays=False),
    # Split days, weekend openings and boundaries inside the DST gap and repeated hour.
    Calendar(
        (
            segment(0, "08:00", "12:00"),
            segment(0, "14:00", "19:30"),
            segment(6, "01:30", "02:30"),
            segment(6, "02:45", "04:00"),
        )
    ),
]

calendars = st.sampled_from(CALENDARS)
instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2029, 12, 31),
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))

# Shared CI machines can be slow; a slow example is not a wrong one.
relaxed = settings(deadline=None)


@relaxed
@given(calendars, instants, durations)
def test_add_then_between_gives_back_the_duration(
    calendar: Calendar, start: datetime, duration: timedelta
) -> None:
    assert calendar.between(start, calendar.add(start, duration)) == duration


@relaxed
@given(calendars, instants, durations, durations)
def test_add_is_monotonic_in_the_duration(
    calendar: Calendar, start: datetime, one: timedelta, other: timedelta
) -> None:
    shorter, longer = sorted((one, other))
    assert calendar.add(start, shorter) <= calendar.add(start, longer)


@relaxed
@given(calendars, instants, instants, durations)
def test_add_is_monotonic_in_the_start(
    calendar: Calendar, one: datetime, other: datetime, duration: timedelta
) -> None:
    earlier, later = sorted((one, other))
    assert calendar.add(earlier, duration) <= calendar.add(later, duration)


@relaxed
@given(calendars, instants, durations)
def test_a_positive_duration_ends_right_after_open_time(
    calendar: Calendar, start: datetime, duration: timedelta
) -> None:
    end = calendar.add(start, duration)
    assert end - start >= duration  # business time never runs faster than clock time
    if duration:
        assert calendar.is_open(end - timedelta(microseconds=1))


@relaxed
@given(calendars, instants, instants, instants)
def test_between_is_additive_and_bounded_by_clock_time(
    calendar: Calendar, a: datetime, b: datetime, c: datetime
) -> None:
    a, b, c = sorted((a, b, c))
    assert calendar.between(a, b) + calendar.between(b, c) == calendar.between(a, c)
    assert timedelta(0) <= calendar.between(a, c) <= c - a


@relaxed
@given(calendars, instants)
def test_next_opening_is_open_and_nothing_opens_before_it(calendar: Calendar, at: datetime) -> None:
    opening = calendar.next_opening(at)
    assert opening >= at
    assert calendar.is_open(opening)
    assert calendar.between(at, opening) == timedelta(0)
    assert calendar.is_open(at) == (opening == at)


@relaxed
@given(
    st.sampled_from([None, "57", "6AE"]),
    st.integers(2024, 2029),
    st.data(),
)
def test_holidays_are_never_open(subdivision: str | None, year: int, data: st.DataObject) -> None:
    days = sorted(holidays.country_holidays("FR", subdiv=subdivision, years=year))
    day = data.draw(st.sampled_from(days))
    calendar = business_days(subdivision)
    start = datetime.combine(day, datetime.min.time(), tzinfo=PARIS)
    assert calendar.between(start, start + timedelta(days=1)) == timedelta(0)
    moment = start + data.draw(st.timedeltas(timedelta(0), timedelta(hours=23)))
    assert not calendar.is_open(moment)
    assert not office_hours(subdivision).is_open(moment)


@relaxed
@given(calendars, st.dates(date(2024, 1, 1), date(2029, 12, 31)), st.data())
def test_closures_are_never_open(calendar: Calendar, day: date, data: st.DataObject) -> None:
    closed = Calendar(
        calendar.segments, calendar.tz, calendar.subdivision, {day}, calendar.observe_holidays
    )
    start = datetime.combine(day, datetime.min.time(), tzinfo=PARIS)
    assert closed.between(start, start + timedelta(days=1)) == timedelta(0)
    assert not closed.is_open(start + data.draw(st.timedeltas(timedelta(0), timedelta(hours=23))))


def _office_oracle(at: datetime, french: holidays.HolidayBase) -> bool:
    """HO from first principles: the Paris wall clock, nothing cached or clever."""
    local = at.astimezone(PARIS)
    return local.weekday() < 5 and 9 <= local.hour < 18 and local.date() not in french


@settings(max_examples=60, deadline=None)
@given(
    st.datetimes(
        min_value=datetime(2024, 1, 1),
        max_value=datetime(2029, 12, 31),
        timezones=st.just(UTC),
    ).map(lambda at: at.replace(second=0, microsecond=0)),
    st.integers(min_value=0, max_value=4 * 24 * 60),
    st.sampled_from([None, "57", "6AE"]),
)
def test_office_hours_match_a_minute_by_minute_oracle(
    start: datetime, minutes: int, subdivision: str | None
) -> None:
    french = holidays.country_holidays("FR", subdiv=subdivision, years=range(2023, 2031))
    expected = sum(_office_oracle(start + timedelta(minutes=m), french) for m in range(minutes))
    calendar = office_hours(subdivision)
    assert calendar.between(start, start + timedelta(minutes=minutes)) == timedelta(
        minutes=expected
    )
    assert calendar.is_open(start) == _office_oracle(start, french)


@relaxed
@given(instants)
def test_dst_gaps_are_never_counted(at: datetime) -> None:
    around_the_clock = CALENDARS[5]
    local_day = at.astimezone(PARIS).date()
    start = datetime.combine(local_day, datetime.min.time(), tzinfo=PARIS)
    end = datetime.combine(local_day + timedelta(days=1), datetime.min.time(), tzinfo=PARIS)
    # A Paris day lasts exactly its real length: 23 h in spring, 25 h in autumn, else 24 h.
    assert around_the_clock.between(start, end) == end.astimezone(UTC) - start.astimezone(UTC)
