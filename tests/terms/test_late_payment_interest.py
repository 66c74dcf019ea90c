"""Statutory late-payment interest (Code de commerce L441-10) and the 40 € indemnity (D441-5)."""

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.terms.rules.late_payment import (
    INDEMNITY_CLAUSE,
    INTEREST_CLAUSE,
    late_payment_accrued,
    late_payment_penalty,
)

THOUSAND = Decimal("1000.00")


def test_it_owes_nothing_when_paid_the_day_before_the_due_date():
    penalty = late_payment_penalty(THOUSAND, date(2024, 3, 31), date(2024, 3, 30))
    assert penalty.days_late == 0
    assert penalty.total == Decimal("0.00")
    assert penalty.segments == ()


def test_it_owes_nothing_when_paid_on_the_due_date():
    penalty = late_payment_penalty(THOUSAND, date(2024, 3, 31), date(2024, 3, 31))
    assert penalty.days_late == 0
    assert penalty.recovery_indemnity == Decimal("0.00")
    assert penalty.total == Decimal("0.00")


def test_it_owes_one_day_and_the_indemnity_when_paid_the_day_after():
    penalty = late_payment_penalty(THOUSAND, date(2024, 3, 31), date(2024, 4, 1))
    assert penalty.days_late == 1
    # 1000 × 14.50 % (4.50 in force on 1 January 2024, + 10) × 1 / 365 = 0.3972...
    assert penalty.interest == Decimal("0.40")
    assert penalty.recovery_indemnity == Decimal("40.00")
    assert penalty.total == Decimal("40.40")


def test_it_counts_days_from_the_day_after_the_due_date():
    penalty = late_payment_penalty(THOUSAND, date(2024, 3, 31), date(2024, 4, 30))
    (segment,) = penalty.segments
    assert (segment.first_day, segment.last_day, segment.days) == (
        date(2024, 4, 1),
        date(2024, 4, 30),
        30,
    )
    # 1000 × 0.145 × 30 / 365 = 11.9178...
    assert penalty.interest == Decimal("11.92")
    assert penalty.total == Decimal("51.92")


def test_it_splits_a_lateness_across_the_first_of_july():
    penalty = late_payment_penalty(THOUSAND, date(2024, 6, 20), date(2024, 7, 10))
    first, second = penalty.segments
    assert (first.first_day, first.last_day, first.days) == (
        date(2024, 6, 21),
        date(2024, 6, 30),
        10,
    )
    assert first.rate.reference_date == date(2024, 1, 1)
    assert first.rate.annual_percent == Decimal("14.50")
    assert first.amount == Decimal("3.97")
    assert (second.first_day, second.last_day, second.days) == (
        date(2024, 7, 1),
        date(2024, 7, 10),
        10,
    )
    assert second.rate.reference_date == date(2024, 7, 1)
    assert second.rate.annual_percent == Decimal("14.25")
    assert second.amount == Decimal("3.90")
    assert penalty.interest == Decimal("7.87")


def test_it_splits_a_lateness_across_new_year():
    penalty = late_payment_penalty(THOUSAND, date(2024, 12, 30), date(2025, 1, 2))
    assert [(s.days, s.rate.ecb_percent) for s in penalty.segments] == [
        (1, Decimal("4.25")),
        (2, Decimal("3.15")),
    ]


def test_it_divides_by_365_in_a_leap_year():
    # 366 days late across leap year 2024: 182 days at 14.50 %, 184 at 14.25 %, each / 365.
    penalty = late_payment_penalty(THOUSAND, date(2023, 12, 31), date(2024, 12, 31))
    assert penalty.days_late == 366
    assert [s.days for s in penalty.segments] == [182, 184]
    assert [s.amount for s in penalty.segments] == [Decimal("72.30"), Decimal("71.84")]
    assert penalty.interest == Decimal("144.14")


def test_it_counts_29_february_as_a_day_late():
    penalty = late_payment_penalty(THOUSAND, date(2024, 2, 28), date(2024, 3, 1))
    assert penalty.days_late == 2


def test_it_rounds_half_up_to_the_cent():
    # H2 2022: ECB 0.00 in force on 1 July → 10 %. 18.25 × 0.10 / 365 = 0.005 exactly.
    penalty = late_payment_penalty(Decimal("18.25"), date(2022, 8, 1), date(2022, 8, 2))
    assert penalty.interest == Decimal("0.01")


def test_it_owes_the_indemnity_once_per_invoice_however_long_the_lateness():
    penalty = late_payment_penalty(THOUSAND, date(2022, 1, 31), date(2024, 1, 31))
    assert len(penalty.segments) == 5
    assert penalty.recovery_indemnity == Decimal("40.00")


def test_it_cites_current_law_not_the_repealed_l441_6():
    penalty = late_payment_penalty(THOUSAND, date(2024, 3, 31), date(2024, 4, 1))
    assert penalty.clause == INTEREST_CLAUSE
    assert "L441-10" in str(penalty.clause)
    assert penalty.indemnity_clause == INDEMNITY_CLAUSE
    assert "D441-5" in str(penalty.indemnity_clause)
    assert all("L441-6" not in str(s.rate.clause) for s in penalty.segments)


def test_it_refuses_floats():
    with pytest.raises(TypeError):
        late_payment_penalty(1000.0, date(2024, 3, 31), date(2024, 4, 1))  # type: ignore[arg-type]


def test_it_refuses_negative_amounts():
    with pytest.raises(ValueError):
        late_payment_penalty(Decimal("-1"), date(2024, 3, 31), date(2024, 4, 1))


def test_it_owes_nothing_on_a_zero_balance():
    penalty = late_payment_penalty(Decimal("0"), date(2024, 3, 31), date(2024, 5, 1))
    assert penalty.total == Decimal("0.00")


def test_accrued_interest_counts_days_on_the_paris_calendar():
    # 23:30 UTC on 1 April is already 2 April in Paris: two days late, not one.
    accrued = late_payment_accrued(
        THOUSAND, date(2024, 3, 31), datetime(2024, 4, 1, 23, 30, tzinfo=UTC)
    )
    assert accrued.paid_on == date(2024, 4, 2)
    assert accrued.days_late == 2


def test_accrued_interest_refuses_naive_now():
    with pytest.raises(ValueError):
        late_payment_accrued(THOUSAND, date(2024, 3, 31), datetime(2024, 4, 1, 12))
