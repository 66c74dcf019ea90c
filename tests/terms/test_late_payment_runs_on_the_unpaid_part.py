"""L441-10: interest runs on what is left unpaid, day by day; each payment lowers the
base from the next day; the 40 € indemnity (D441-5) stays once per late invoice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clausier.terms.rules.late_payment import late_payment_on_unpaid, late_payment_penalty

DUE = date(2025, 3, 31)  # 1 January 2025: ECB 3.15 %, so 13.15 % for the first half-year
TOTAL = Decimal("1200.00")


def test_a_single_late_payment_gives_the_same_as_the_whole_invoice_rule() -> None:
    split = late_payment_on_unpaid(TOTAL, DUE, [(date(2025, 4, 30), TOTAL)], date(2025, 5, 9))
    whole = late_payment_penalty(TOTAL, DUE, date(2025, 4, 30))
    assert (split.interest, split.days_late, split.paid_on) == (
        whole.interest,
        whole.days_late,
        whole.paid_on,
    )


@pytest.mark.parametrize(
    ("first_paid_on", "bases"),
    [
        (date(2025, 3, 30), [Decimal("400.00")]),  # the day before the due date: on time
        (date(2025, 3, 31), [Decimal("400.00")]),  # on the due date: on time
        # The day after: that day is late for the whole invoice, then the remainder.
        (date(2025, 4, 1), [Decimal("1200.00"), Decimal("400.00")]),
    ],
)
def test_a_part_paid_on_time_never_bears_interest(first_paid_on: date, bases: list) -> None:
    penalty = late_payment_on_unpaid(
        TOTAL,
        DUE,
        [(first_paid_on, Decimal("800.00")), (date(2025, 4, 30), Decimal("400.00"))],
        date(2025, 5, 9),
    )
    assert [segment.base for segment in penalty.segments] == bases
    assert penalty.days_late == 30
    assert penalty.recovery_indemnity == Decimal("40.00")


def test_the_remainder_alone_bears_interest_after_an_on_time_part() -> None:
    penalty = late_payment_on_unpaid(
        TOTAL,
        DUE,
        [(DUE, Decimal("800.00")), (date(2025, 4, 30), Decimal("400.00"))],
        date(2025, 5, 9),
    )
    # 400 x 13.15 % x 30 / 365 = 4.3233 -> 4.32; on the whole invoice it would be 12.97.
    assert penalty.interest == Decimal("4.32")
    assert penalty.total == Decimal("44.32")
    assert penalty.paid_on == date(2025, 4, 30)


def test_each_late_payment_lowers_the_base_from_the_next_day() -> None:
    penalty = late_payment_on_unpaid(
        TOTAL,
        DUE,
        [(date(2025, 4, 10), Decimal("800.00")), (date(2025, 4, 30), Decimal("400.00"))],
        date(2025, 5, 9),
    )
    spans = [(s.first_day, s.last_day, s.days, s.base) for s in penalty.segments]
    assert spans == [
        (date(2025, 4, 1), date(2025, 4, 10), 10, Decimal("1200.00")),
        (date(2025, 4, 11), date(2025, 4, 30), 20, Decimal("400.00")),
    ]
    # 1200 x 13.15 % x 10 / 365 = 4.32; 400 x 13.15 % x 20 / 365 = 2.88.
    assert [s.amount for s in penalty.segments] == [Decimal("4.32"), Decimal("2.88")]


def test_a_base_spanning_the_half_year_is_cut_at_1_july() -> None:
    penalty = late_payment_on_unpaid(
        TOTAL,
        date(2025, 6, 20),
        [(date(2025, 6, 20), Decimal("200.00")), (date(2025, 7, 10), Decimal("1000.00"))],
        date(2025, 7, 10),
    )
    assert [(s.base, s.rate.annual_percent, s.days) for s in penalty.segments] == [
        (Decimal("1000.00"), Decimal("13.15"), 10),
        (Decimal("1000.00"), Decimal("12.15"), 10),
    ]


def test_an_invoice_still_partly_unpaid_accrues_on_its_remainder_until_today() -> None:
    penalty = late_payment_on_unpaid(
        TOTAL, DUE, [(date(2025, 4, 10), Decimal("1000.00"))], date(2025, 4, 20)
    )
    assert [(s.base, s.days) for s in penalty.segments] == [
        (Decimal("1200.00"), 10),
        (Decimal("200.00"), 10),
    ]
    assert penalty.paid_on == date(2025, 4, 20) and penalty.days_late == 20


def test_paid_in_full_on_time_in_parts_owes_nothing() -> None:
    penalty = late_payment_on_unpaid(
        TOTAL, DUE, [(date(2025, 3, 1), Decimal("600.00")), (DUE, Decimal("600.00"))], DUE
    )
    assert (penalty.days_late, penalty.total, penalty.segments) == (0, Decimal("0.00"), ())


def test_payments_after_today_are_not_counted_yet() -> None:
    penalty = late_payment_on_unpaid(TOTAL, DUE, [(date(2025, 5, 1), TOTAL)], date(2025, 4, 1))
    assert [(s.base, s.days) for s in penalty.segments] == [(TOTAL, 1)]


def test_floats_and_negative_payments_are_refused() -> None:
    with pytest.raises(TypeError):
        late_payment_on_unpaid(TOTAL, DUE, [(DUE, 12.5)], DUE)  # type: ignore[list-item]
    with pytest.raises(ValueError):
        late_payment_on_unpaid(TOTAL, DUE, [(DUE, Decimal("-1"))], DUE)
