"""Business-time engine: named boundary cases (HO edges, holidays, Moselle, DST nights)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from clausier.core.businesstime import (
    PARIS,
    Calendar,
    business_days,
    is_office_hours,
    office_hours,
    segment,
    weekly,
)

HOUR = timedelta(hours=1)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)  # type: ignore[misc]


def around_the_clock() -> Calendar:
    return Calendar(weekly(range(7), "00:00", "24:00"), observe_holidays=False)


# -- HO / HNO edges ------------------------------------------------------------------------


def test_friday_1759_is_office_hours() -> None:
    assert is_office_hours(paris(2026, 11, 20, 17, 59))


def test_friday_1800_is_not_office_hours() -> None:
    assert not is_office_hours(paris(2026, 11, 20, 18, 0))


def test_monday_0900_opens_and_0859_does_not() -> None:
    assert is_office_hours(paris(2026, 11, 23, 9, 0))
    assert not is_office_hours(paris(2026, 11, 23, 8, 59, 59))


def test_saturday_is_not_office_hours() -> None:
    assert not is_office_hours(paris(2026, 11, 21, 11, 0))


def test_14_july_is_a_holiday() -> None:
    assert not is_office_hours(paris(2026, 7, 14, 11, 0))  # a Tuesday


def test_easter_monday_is_a_holiday() -> None:
    assert not is_office_hours(paris(2026, 4, 6, 11, 0))


def test_26_december_is_closed_in_moselle_only() -> None:
    boxing_day = paris(2025, 12, 26, 11, 0)  # a Friday
    assert is_office_hours(boxing_day)
    assert not is_office_hours(boxing_day, office_hours("57"))
    assert not is_office_hours(boxing_day, office_hours("6AE"))


def test_good_friday_is_closed_in_alsace_only() -> None:
    good_friday = paris(2026, 4, 3, 11, 0)
    assert is_office_hours(good_friday)
    assert not is_office_hours(good_friday, office_hours("6AE"))


def test_pentecost_monday_is_a_legal_holiday() -> None:
    assert not is_office_hours(paris(2026, 5, 25, 11, 0))


def test_a_closure_date_is_closed() -> None:
    calendar = office_hours(closures=[date(2026, 12, 24)])
    assert not calendar.is_open(paris(2026, 12, 24, 11, 0))
    assert office_hours().is_open(paris(2026, 12, 24, 11, 0))


def test_classification_uses_the_paris_wall_clock_whatever_the_input_zone() -> None:
    assert is_office_hours(utc(2026, 1, 5, 8, 0))  # 09:00 CET
    assert not is_office_hours(utc(2026, 7, 6, 16, 0))  # 18:00 CEST


# -- next_opening --------------------------------------------------------------------------


def test_next_opening_of_an_open_instant_is_itself_in_utc() -> None:
    at = paris(2026, 11, 20, 10, 15)
    opening = office_hours().next_opening(at)
    assert opening == at
    assert opening.tzinfo is UTC


def test_next_opening_after_friday_evening_is_monday_0900() -> None:
    assert office_hours().next_opening(paris(2026, 11, 20, 18, 0)) == paris(2026, 11, 23, 9, 0)


def test_next_opening_skips_the_14_july() -> None:
    assert office_hours().next_opening(paris(2026, 7, 13, 18, 30)) == paris(2026, 7, 15, 9, 0)


def test_next_opening_skips_easter_monday() -> None:
    assert office_hours().next_opening(paris(2026, 4, 3, 19, 0)) == paris(2026, 4, 7, 9, 0)


def test_next_opening_in_moselle_skips_good_friday_and_easter_monday() -> None:
    moselle = office_hours("57")
    assert moselle.next_opening(paris(2026, 4, 2, 18, 0)) == paris(2026, 4, 7, 9, 0)


# -- add -----------------------------------------------------------------------------------


def test_one_business_hour_from_friday_1730_is_monday_0930() -> None:
    deadline = office_hours().add(paris(2026, 11, 20, 17, 30), HOUR)
    assert deadline == paris(2026, 11, 23, 9, 30)
    assert deadline.tzinfo is UTC


def test_one_business_hour_from_friday_1700_is_friday_1800() -> None:
    # The earliest instant at which the hour has elapsed, not the next opening after it.
    assert office_hours().add(paris(2026, 11, 20, 17, 0), HOUR) == paris(2026, 11, 20, 18, 0)


def test_one_business_hour_from_saturday_is_monday_1000() -> None:
    assert office_hours().add(paris(2026, 11, 21, 3, 0), HOUR) == paris(2026, 11, 23, 10, 0)


def test_adding_nothing_returns_the_start() -> None:
    start = paris(2026, 11, 21, 3, 0)
    assert office_hours().add(start, timedelta(0)) == start


def test_adding_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        office_hours().add(paris(2026, 11, 20, 10, 0), -HOUR)


def test_adding_over_christmas_in_moselle_skips_25_and_26_december() -> None:
    start = paris(2025, 12, 24, 17, 30)
    assert office_hours().add(start, HOUR) == paris(2025, 12, 26, 9, 30)
    assert office_hours("57").add(start, HOUR) == paris(2025, 12, 29, 9, 30)


def test_adding_a_week_of_office_hours_lands_a_week_later() -> None:
    start = paris(2026, 11, 16, 9, 0)
    assert office_hours().add(start, 45 * HOUR) == paris(2026, 11, 20, 18, 0)
    assert office_hours().add(start, 45 * HOUR + timedelta(seconds=1)) == paris(
        2026, 11, 23, 9, 0, 1
    )


# -- between -------------------------------------------------------------------------------


def test_between_counts_a_whole_week_as_45_hours() -> None:
    between = office_hours().between(paris(2026, 11, 16), paris(2026, 11, 23))
    assert between == 45 * HOUR


def test_between_is_half_open() -> None:
    calendar = office_hours()
    assert calendar.between(paris(2026, 11, 20, 17, 0), paris(2026, 11, 20, 18, 0)) == HOUR
    assert calendar.between(paris(2026, 11, 20, 18, 0), paris(2026, 11, 23, 9, 0)) == timedelta(0)


def test_between_reversed_is_negative() -> None:
    calendar = office_hours()
    assert calendar.between(paris(2026, 11, 20, 18), paris(2026, 11, 20, 17)) == -HOUR


def test_between_skips_the_14_july() -> None:
    assert office_hours().between(paris(2026, 7, 13), paris(2026, 7, 16)) == 18 * HOUR


# -- DST nights ----------------------------------------------------------------------------


def test_spring_forward_night_lasts_23_hours() -> None:
    # Last Sunday of March 2026: 02:00 CET jumps to 03:00 CEST.
    day = around_the_clock().between(paris(2026, 3, 29), paris(2026, 3, 30))
    assert day == 23 * HOUR


def test_fall_back_night_lasts_25_hours() -> None:
    # Last Sunday of October 2026: 03:00 CEST falls back to 02:00 CET.
    day = around_the_clock().between(paris(2026, 10, 25), paris(2026, 10, 26))
    assert day == 25 * HOUR


def test_office_hours_keep_their_wall_clock_across_spring_forward() -> None:
    calendar = office_hours()
    assert calendar.add(paris(2026, 3, 27, 17, 0), 2 * HOUR) == paris(2026, 3, 30, 10, 0)
    assert calendar.add(paris(2026, 3, 27, 17, 0), 2 * HOUR) == utc(2026, 3, 30, 8, 0)
    assert calendar.next_opening(paris(2026, 3, 28, 12)) == utc(2026, 3, 30, 7, 0)


def test_office_hours_keep_their_wall_clock_across_fall_back() -> None:
    calendar = office_hours()
    assert calendar.add(paris(2026, 10, 23, 17, 0), 2 * HOUR) == utc(2026, 10, 26, 9, 0)
    assert calendar.between(paris(2026, 10, 23, 17), paris(2026, 10, 26, 10)) == 2 * HOUR


def test_business_days_over_a_dst_weekend_count_real_hours() -> None:
    calendar = business_days()
    assert calendar.between(paris(2026, 3, 27), paris(2026, 3, 31)) == 48 * HOUR
    assert calendar.add(paris(2026, 3, 27, 12), 24 * HOUR) == paris(2026, 3, 30, 12)


def test_an_opening_inside_the_spring_gap_adds_no_missing_time() -> None:
    sunday_night = Calendar((segment(6, "01:00", "02:30"),), observe_holidays=False)
    assert sunday_night.between(paris(2026, 3, 29), paris(2026, 3, 30)) == HOUR
    assert sunday_night.between(paris(2026, 3, 22), paris(2026, 3, 23)) == 90 * timedelta(minutes=1)
    assert not sunday_night.is_open(utc(2026, 3, 29, 1, 0))  # 03:00 CEST


def test_a_segment_entirely_inside_the_spring_gap_never_opens() -> None:
    gap_only = Calendar((segment(6, "02:00", "03:00"),), observe_holidays=False)
    assert gap_only.between(paris(2026, 3, 28), paris(2026, 3, 30)) == timedelta(0)
    assert not gap_only.is_working_day(date(2026, 3, 29))
    assert gap_only.next_opening(paris(2026, 3, 29)) == paris(2026, 4, 5, 2, 0)


def test_a_segment_across_the_repeated_autumn_hour_lasts_one_hour_more() -> None:
    night = Calendar((segment(6, "02:00", "03:00"),), observe_holidays=False)
    assert night.between(paris(2026, 10, 25), paris(2026, 10, 26)) == 2 * HOUR


# -- working days --------------------------------------------------------------------------


def test_ten_working_days_skip_weekends_and_holidays() -> None:
    # Christmas and New Year's Day fall on Fridays in 2026-2027.
    assert business_days().add_working_days(date(2026, 12, 18), 10) == date(2027, 1, 5)


def test_zero_working_days_is_the_same_day() -> None:
    assert business_days().add_working_days(date(2026, 12, 19), 0) == date(2026, 12, 19)


def test_working_day_predicate() -> None:
    calendar = business_days("57")
    assert calendar.is_working_day(date(2026, 12, 24))
    assert not calendar.is_working_day(date(2026, 12, 26))
    assert not calendar.is_working_day(date(2026, 12, 27))


# -- input validation ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.is_open(datetime(2026, 1, 5, 10)),
        lambda c: c.next_opening(datetime(2026, 1, 5, 10)),
        lambda c: c.add(datetime(2026, 1, 5, 10), HOUR),
        lambda c: c.between(datetime(2026, 1, 5, 10), paris(2026, 1, 6)),
        lambda c: c.between(paris(2026, 1, 5), datetime(2026, 1, 6)),
    ],
)
def test_naive_datetimes_are_refused(call) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValueError, match="timezone-aware"):
        call(office_hours())


def test_is_office_hours_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        is_office_hours(datetime(2026, 1, 5, 10))


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        office_hours("99")


def test_overlapping_segments_are_refused() -> None:
    with pytest.raises(ValueError, match="overlapping"):
        Calendar((segment(0, "09:00", "12:00"), segment(0, "11:00", "18:00")))


def test_empty_and_inverted_segments_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one"):
        Calendar(())
    with pytest.raises(ValueError, match="start < end"):
        Calendar((segment(0, "18:00", "09:00"),))
    with pytest.raises(ValueError, match="time of day"):
        segment(0, "09:00", "24:30")


def test_calendars_are_cached_and_hashable() -> None:
    assert office_hours("57") is office_hours("57")
    assert office_hours(closures=[date(2026, 1, 2)]) == office_hours(closures=(date(2026, 1, 2),))
    assert hash(business_days()) == hash(business_days())
