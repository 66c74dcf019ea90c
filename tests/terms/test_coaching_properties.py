"""Properties of the coaching & training date rules over arbitrary dates."""

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.core.calendar import add_months, contract_year_bounds
from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    client_termination,
    contract_period,
    earliest_day_with_notice,
    instalment_due_dates,
    termination_balance,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")
starts = st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31))
offsets = st.integers(min_value=0, max_value=3000)
frequencies = st.sampled_from(["monthly", "quarterly", "half_yearly", "yearly"])


# deadline=None: the first examples load holiday tables and fill caches, past 200 ms.
@settings(deadline=None)
@given(starts, offsets)
def test_every_day_belongs_to_exactly_one_period(start, offset):
    on = start + timedelta(days=offset)
    period = contract_period(start, on, PACK)
    assert period.start <= on < period.renewal_date
    if period.index:
        previous = contract_period(start, period.start - timedelta(days=1), PACK)
        assert previous.index == period.index - 1
        assert previous.renewal_date == period.start
    # With 12-month periods the pack-driven periods are the shared contract years.
    assert (period.start, period.last_day) == contract_year_bounds(start, on)


@settings(deadline=None)
@given(starts, offsets, frequencies)
def test_instalments_fall_inside_their_period_in_order(start, offset, frequency):
    period = contract_period(start, start + timedelta(days=offset), PACK)
    due = instalment_due_dates(start, period, frequency, PACK)
    assert due[0] == period.start
    assert list(due) == sorted(set(due))
    assert all(period.start <= d < period.renewal_date for d in due)


@settings(deadline=None)
@given(starts, offsets)
def test_termination_takes_effect_on_a_renewal_date_after_the_notice(start, offset):
    notice_on = start + timedelta(days=offset)
    notice = datetime.combine(notice_on, time(12), tzinfo=PARIS)
    termination = client_termination(start, notice, PACK)
    assert termination.effective_on > notice_on
    assert contract_period(start, termination.effective_on, PACK).start == termination.effective_on
    if termination.notice_deadline is not None and not termination.renewed_first:
        # In time: at least two months' notice before the date it takes effect.
        assert notice_on <= add_months(termination.effective_on, -2)


@settings(deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)), st.integers(1, 24))
def test_earliest_day_with_notice_is_the_first_day_far_enough(notice_on, months):
    earliest = earliest_day_with_notice(notice_on, months)
    assert add_months(earliest, -months) >= notice_on
    assert add_months(earliest - timedelta(days=1), -months) < notice_on


# deadline=None: the first examples load holiday tables and fill caches, past 200 ms.
@settings(deadline=None)
@given(starts, offsets, frequencies)
def test_the_balance_is_every_instalment_between_notice_and_end(start, offset, frequency):
    notice_on = start + timedelta(days=offset)
    notice = datetime.combine(notice_on, time(12), tzinfo=PARIS)
    termination = client_termination(start, notice, PACK)
    balance = termination_balance(start, notice, frequency, Decimal("99.99"), PACK)
    assert all(notice_on < d < termination.effective_on for d in balance.due_dates)
    assert balance.total == Decimal("99.99") * len(balance.due_dates)
    per_year = PACK.count(f"billing.instalments_per_year.{frequency}")
    # Never more than the rest of one period plus, after a late notice, one more period.
    assert len(balance.due_dates) <= per_year * (2 if termination.renewed_first else 1)
