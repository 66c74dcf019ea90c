"""The ECB rate table: rate in force on 1 January / 1 July; staff entries over the shipped one."""

from datetime import date
from decimal import Decimal

import pytest

from clausier.terms.rules.late_payment import (
    RateTableError,
    late_payment_penalty,
    merged_rates,
    parse_rate_table,
    shipped_rates,
    statutory_rate,
)


@pytest.mark.parametrize(
    ("day", "ecb_percent"),
    [
        # The rates France published for late-payment penalties, half-year by half-year.
        (date(2008, 1, 1), "4.00"),
        (date(2009, 1, 1), "2.50"),  # 2.00 decided for 21 January was not yet in force
        (date(2016, 7, 1), "0.00"),
        (date(2022, 7, 1), "0.00"),  # the 27 July 2022 hike came after 1 July
        (date(2022, 12, 31), "0.00"),
        (date(2023, 1, 1), "2.50"),
        (date(2023, 7, 1), "4.00"),
        (date(2024, 1, 1), "4.50"),
        (date(2024, 6, 30), "4.50"),
        (date(2024, 7, 1), "4.25"),
        (date(2025, 1, 1), "3.15"),
        (date(2025, 7, 1), "2.15"),
    ],
)
def test_it_uses_the_rate_in_force_at_the_start_of_the_half_year(day, ecb_percent):
    rate = statutory_rate(day)
    assert rate.ecb_percent == Decimal(ecb_percent)
    assert rate.annual_percent == Decimal(ecb_percent) + 10


def test_the_rate_printed_on_invoices_is_the_annual_rate():
    rate = statutory_rate(date(2024, 7, 1))
    assert rate.percent == rate.annual_percent == Decimal("14.25")


def test_a_rate_effective_on_the_first_of_july_is_in_force_that_day():
    table = merged_rates([(date(2026, 7, 1), "1.90")])
    assert statutory_rate(date(2026, 6, 30), table).ecb_percent == Decimal("2.15")
    assert statutory_rate(date(2026, 7, 1), table).ecb_percent == Decimal("1.90")


def test_a_rate_effective_on_the_second_of_july_waits_for_the_next_half_year():
    table = merged_rates([(date(2026, 7, 2), "1.90")])
    assert statutory_rate(date(2026, 12, 31), table).ecb_percent == Decimal("2.15")
    assert statutory_rate(date(2027, 1, 1), table).ecb_percent == Decimal("1.90")


def test_the_shipped_table_starts_before_2008_and_is_sorted():
    table = shipped_rates()
    assert table.rates[0].effective <= date(2008, 1, 1)
    dates = [rate.effective for rate in table.rates]
    assert dates == sorted(set(dates))
    assert all(isinstance(rate.percent, Decimal) for rate in table.rates)


def test_a_rate_past_the_confirmed_date_is_flagged_unconfirmed():
    rate = statutory_rate(date(2030, 1, 1))
    assert rate.confirmed is False
    assert statutory_rate(date(2025, 7, 1)).confirmed is True


def test_staff_entries_are_merged_over_the_shipped_table():
    table = merged_rates([(date(2026, 3, 18), Decimal("2.40"))])
    assert statutory_rate(date(2026, 7, 1), table).ecb_percent == Decimal("2.40")
    # Staff entering a March rate vouch for the table up to March, not for July.
    assert statutory_rate(date(2026, 1, 1), table).confirmed is True
    assert statutory_rate(date(2026, 7, 1), table).confirmed is False
    assert statutory_rate(date(2025, 7, 1), table).ecb_percent == Decimal("2.15")
    assert len(table.rates) == len(shipped_rates().rates) + 1


def test_a_staff_entry_on_a_shipped_date_replaces_it():
    table = merged_rates([(date(2025, 6, 11), "2.20")])
    assert statutory_rate(date(2025, 7, 1), table).ecb_percent == Decimal("2.20")
    assert len(table.rates) == len(shipped_rates().rates)


def test_a_staff_entry_restating_the_rate_confirms_the_half_year():
    table = merged_rates([(date(2026, 1, 1), "2.15")])
    rate = statutory_rate(date(2026, 1, 1), table)
    assert (rate.ecb_percent, rate.confirmed) == (Decimal("2.15"), True)


def test_penalties_use_the_staff_table_when_given():
    table = merged_rates([(date(2026, 1, 1), "3.00")])
    penalty = late_payment_penalty(Decimal("365.00"), date(2026, 1, 31), date(2026, 2, 1), table)
    assert penalty.interest == Decimal("0.13")  # 365 × 13 % / 365
    assert penalty.rates_confirmed


def test_staff_entries_refuse_floats_and_non_dates():
    with pytest.raises(RateTableError):
        merged_rates([(date(2026, 1, 1), 2.15)])  # type: ignore[list-item]
    with pytest.raises(RateTableError):
        merged_rates([("2026-01-01", "2.15")])  # type: ignore[list-item]
    with pytest.raises(RateTableError):
        merged_rates([(date(2026, 1, 1), "two")])


@pytest.mark.parametrize("typo", ["215", "NaN", "Infinity", "-6"])
def test_staff_entries_refuse_implausible_rates(typo):
    with pytest.raises(RateTableError, match="plausible"):
        merged_rates([(date(2026, 1, 1), typo)])


def test_a_table_out_of_order_is_refused():
    text = """
confirmed_through = 2020-01-01
[[rate]]
effective = 2019-01-01
percent = "1.00"
[[rate]]
effective = 2018-01-01
percent = "2.00"
"""
    with pytest.raises(RateTableError, match="increasing"):
        parse_rate_table(text)


def test_a_table_with_a_float_rate_is_refused():
    text = """
confirmed_through = 2020-01-01
[[rate]]
effective = 2019-01-01
percent = 1.0
"""
    with pytest.raises(RateTableError, match="string"):
        parse_rate_table(text)


def test_a_date_before_the_table_has_no_rate():
    with pytest.raises(RateTableError):
        statutory_rate(date(2001, 1, 1))


# The ECB rate France applies to late-payment penalties, half-year by half-year: a
# regression guard on the shipped table (a wrong date of effect shows up here).
PUBLISHED = {
    2008: ("4.00", "4.00"),
    2009: ("2.50", "1.00"),
    2010: ("1.00", "1.00"),
    2011: ("1.00", "1.25"),
    2012: ("1.00", "1.00"),
    2013: ("0.75", "0.50"),
    2014: ("0.25", "0.15"),
    2015: ("0.05", "0.05"),
    2016: ("0.05", "0.00"),
    **{year: ("0.00", "0.00") for year in range(2017, 2023)},
    2023: ("2.50", "4.00"),
    2024: ("4.50", "4.25"),
    2025: ("3.15", "2.15"),
}


@pytest.mark.parametrize("year", sorted(PUBLISHED))
def test_the_shipped_table_gives_the_published_half_year_rates(year):
    first, second = PUBLISHED[year]
    assert statutory_rate(date(year, 1, 1)).ecb_percent == Decimal(first)
    assert statutory_rate(date(year, 7, 1)).ecb_percent == Decimal(second)
