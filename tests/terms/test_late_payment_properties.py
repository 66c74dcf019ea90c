"""Properties of late-payment interest over arbitrary dates and amounts."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.terms.rules.late_payment import half_year_start, late_payment_penalty

due_dates = st.dates(min_value=date(2008, 1, 1), max_value=date(2025, 12, 31))
lateness = st.integers(min_value=0, max_value=1500)
amounts = st.decimals(min_value=0, max_value=10**7, places=2, allow_nan=False)


# deadline=None: timing under `pytest -n 2` is noisy, and speed is not what is tested here.
@settings(deadline=None)
@given(due_dates, lateness, amounts)
def test_segments_cover_every_day_late_once_within_one_half_year(due, days, amount):
    penalty = late_payment_penalty(amount, due, due + timedelta(days=days))
    assert sum(s.days for s in penalty.segments) == (penalty.days_late if amount else 0)
    previous_end = due
    for segment in penalty.segments:
        assert segment.first_day == previous_end + timedelta(days=1)
        assert half_year_start(segment.first_day) == half_year_start(segment.last_day)
        assert segment.rate.reference_date == half_year_start(segment.first_day)
        previous_end = segment.last_day


@settings(deadline=None)
@given(due_dates, lateness, lateness, amounts)
def test_interest_never_decreases_with_lateness(due, first, extra, amount):
    earlier = late_payment_penalty(amount, due, due + timedelta(days=first))
    later = late_payment_penalty(amount, due, due + timedelta(days=first + extra))
    assert later.total >= earlier.total


@settings(deadline=None)
@given(due_dates, lateness, amounts)
def test_interest_is_within_a_cent_per_segment_of_the_exact_formula(due, days, amount):
    penalty = late_payment_penalty(amount, due, due + timedelta(days=days))
    exact = sum(
        (amount * s.rate.annual_percent / 100 * s.days / 365 for s in penalty.segments),
        Decimal(0),
    )
    assert abs(penalty.interest - exact) <= Decimal("0.005") * len(penalty.segments)
