"""Calendar months and quarters: clamped month arithmetic, "one month before", quarters."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.core.calendar import (
    add_months,
    anniversary_on_or_after,
    month_bounds,
    one_month_before,
    quarter_bounds,
)

# Shared CI machines can be slow; a slow example is not a wrong one.
relaxed = settings(deadline=None)


def test_a_month_later_keeps_the_day_number() -> None:
    assert add_months(date(2026, 3, 15), 1) == date(2026, 4, 15)


def test_a_month_after_31_january_is_clamped_to_february_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_months_cross_years_both_ways() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 15), -1) == date(2025, 12, 15)
    assert add_months(date(2026, 5, 31), -24) == date(2024, 5, 31)


def test_one_month_before_is_the_same_day_of_the_previous_month() -> None:
    assert one_month_before(date(2026, 6, 10)) == date(2026, 5, 10)
    assert one_month_before(date(2026, 3, 31)) == date(2026, 2, 28)
    assert one_month_before(date(2026, 1, 1)) == date(2025, 12, 1)


def test_out_of_range_months_are_refused() -> None:
    with pytest.raises(ValueError, match="out of range"):
        add_months(date(9999, 12, 1), 1)


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 1, 1), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2026, 8, 15), date(2026, 7, 1), date(2026, 9, 30)),
        (date(2026, 12, 31), date(2026, 10, 1), date(2026, 12, 31)),
    ],
)
def test_quarters_are_calendar_quarters(day: date, first: date, last: date) -> None:
    assert quarter_bounds(day) == (first, last)


def test_month_bounds() -> None:
    assert month_bounds(date(2028, 2, 10)) == (date(2028, 2, 1), date(2028, 2, 29))


def test_anniversaries_are_counted_from_the_start_date() -> None:
    start = date(2024, 2, 29)
    assert anniversary_on_or_after(start, date(2025, 3, 1)) == date(2026, 2, 28)
    assert anniversary_on_or_after(start, date(2025, 2, 28)) == date(2025, 2, 28)
    assert anniversary_on_or_after(start, date(2028, 2, 1)) == date(2028, 2, 29)
    assert anniversary_on_or_after(start, date(2020, 1, 1)) == start


days = st.dates(date(1900, 1, 1), date(9000, 12, 31))


@relaxed
@given(days, st.integers(-1200, 1200))
def test_add_months_lands_in_the_right_month_and_never_past_the_day(d: date, n: int) -> None:
    moved = add_months(d, n)
    assert (moved.year * 12 + moved.month) - (d.year * 12 + d.month) == n
    assert moved.day <= d.day
    assert moved.day == d.day or moved == month_bounds(moved)[1]


@relaxed
@given(days, st.integers(-1200, 1200), st.integers(-1200, 1200))
def test_add_months_is_monotonic(d: date, one: int, other: int) -> None:
    small, large = sorted((one, other))
    assert add_months(d, small) <= add_months(d, large)


@relaxed
@given(days)
def test_quarter_holds_the_day_and_spans_three_months(d: date) -> None:
    first, last = quarter_bounds(d)
    assert first <= d <= last
    assert first.day == 1 and first.month in (1, 4, 7, 10)
    assert add_months(first, 3) == last + timedelta(days=1)
    assert (last.month - first.month) == 2 and last == month_bounds(last)[1]
