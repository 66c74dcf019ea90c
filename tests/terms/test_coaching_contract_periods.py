"""Contract start at payment of the first invoice, 12-month periods, instalment due dates."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    contract_period,
    contract_start,
    instalment_due_dates,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")


def test_the_contract_starts_on_the_paris_day_of_the_first_payment():
    # 00:30 in Paris on 1 February is still 31 January in UTC.
    started = contract_start(datetime(2025, 2, 1, 0, 30, tzinfo=PARIS), PACK)
    assert started.start == date(2025, 2, 1)
    assert started.commitment_ends_on == date(2026, 2, 1)
    assert started.clause.article == "9.1.1"


def test_a_29_february_start_commits_until_28_february():
    started = contract_start(datetime(2024, 2, 29, 12, tzinfo=PARIS), PACK)
    assert started.commitment_ends_on == date(2025, 2, 28)


def test_naive_payment_times_are_refused():
    with pytest.raises(ValueError, match="aware"):
        contract_start(datetime(2025, 2, 1, 12), PACK)


@pytest.mark.parametrize(
    ("on", "index", "period_start", "renewal_date"),
    [
        (date(2024, 1, 31), 0, date(2024, 1, 31), date(2025, 1, 31)),
        (date(2025, 1, 30), 0, date(2024, 1, 31), date(2025, 1, 31)),  # the day before
        (date(2025, 1, 31), 1, date(2025, 1, 31), date(2026, 1, 31)),  # the day of
        (date(2025, 2, 1), 1, date(2025, 1, 31), date(2026, 1, 31)),  # the day after
        (date(2030, 6, 1), 6, date(2030, 1, 31), date(2031, 1, 31)),
    ],
)
def test_periods_renew_tacitly_every_12_months(on, index, period_start, renewal_date):
    period = contract_period(date(2024, 1, 31), on, PACK)
    assert (period.index, period.start, period.renewal_date) == (index, period_start, renewal_date)
    assert period.is_commitment == (index == 0)
    assert period.clause.article == "9.1.2"


def test_a_29_february_start_renews_on_28_february_and_29_in_leap_years():
    start = date(2024, 2, 29)
    starts = [contract_period(start, date(2024 + i, 3, 1), PACK).start for i in range(5)]
    assert starts == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]
    assert contract_period(start, date(2028, 2, 28), PACK).index == 3
    assert contract_period(start, date(2028, 2, 29), PACK).index == 4


def test_a_day_before_the_start_has_no_period():
    with pytest.raises(ValueError):
        contract_period(date(2025, 1, 31), date(2025, 1, 30), PACK)


def test_monthly_instalments_from_31_january_clamp_at_month_end():
    start = date(2025, 1, 31)
    period = contract_period(start, start, PACK)
    assert instalment_due_dates(start, period, "monthly", PACK) == (
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 31),
        date(2025, 6, 30),
        date(2025, 7, 31),
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
    )


def test_leap_year_instalments_fall_on_29_february():
    start = date(2023, 3, 29)
    period = contract_period(start, date(2024, 1, 1), PACK)
    assert date(2024, 2, 29) in instalment_due_dates(start, period, "monthly", PACK)


@pytest.mark.parametrize(
    ("frequency", "expected"),
    [
        (
            "quarterly",
            (date(2026, 1, 31), date(2026, 4, 30), date(2026, 7, 31), date(2026, 10, 31)),
        ),
        ("half_yearly", (date(2026, 1, 31), date(2026, 7, 31))),
        ("yearly", (date(2026, 1, 31),)),
    ],
)
def test_other_frequencies_in_a_renewal_period(frequency, expected):
    start = date(2025, 1, 31)
    period = contract_period(start, date(2026, 3, 1), PACK)
    assert instalment_due_dates(start, period, frequency, PACK) == expected
