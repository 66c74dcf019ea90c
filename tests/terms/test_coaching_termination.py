"""Client termination: notice 2 months before renewal (art. 17), early termination (9.1.3)."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import client_termination, termination_balance

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")
HUNDRED = Decimal("100.00")


def at(y, m, d, h=12, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


# Started 1 May 2023: the commitment ends 1 May 2024, the first renewal runs to 1 May 2025.
START = date(2023, 5, 1)


@pytest.mark.parametrize(
    ("notice", "effective_on", "renewed_first"),
    [
        (at(2025, 2, 28), date(2025, 5, 1), False),  # the day before the deadline
        (at(2025, 3, 1), date(2025, 5, 1), False),  # the day of: exactly two months before
        (at(2025, 3, 2), date(2026, 5, 1), True),  # the day after: one more period runs
    ],
)
def test_notice_two_months_before_the_renewal_date(notice, effective_on, renewed_first):
    termination = client_termination(START, notice, PACK)
    assert termination.notice_deadline == date(2025, 3, 1)
    assert termination.effective_on == effective_on
    assert termination.renewed_first is renewed_first
    assert termination.clause.article == "17"


def test_the_notice_day_is_the_paris_day_of_receipt():
    # 23:30 UTC on 1 March is 00:30 on 2 March in Paris: too late.
    late = client_termination(START, datetime(2025, 3, 1, 23, 30, tzinfo=ZoneInfo("UTC")), PACK)
    assert late.notice_on == date(2025, 3, 2)
    assert late.renewed_first


@pytest.mark.parametrize(
    ("start", "deadline"),
    [
        (date(2023, 4, 30), date(2025, 2, 28)),  # renewal 30 April 2025
        (date(2022, 4, 30), date(2024, 2, 29)),  # renewal 30 April 2024, leap year
        (date(2023, 4, 29), date(2025, 2, 28)),  # renewal 29 April 2025: no 29 February
    ],
)
def test_the_deadline_clamps_at_the_end_of_february(start, deadline):
    notice_day = deadline
    termination = client_termination(
        start, at(notice_day.year, notice_day.month, notice_day.day), PACK
    )
    assert termination.notice_deadline == deadline
    assert not termination.renewed_first
    next_day = client_termination(start, at(deadline.year, 3, 1), PACK)
    assert next_day.renewed_first


def test_termination_within_the_commitment_ends_at_the_commitment_end():
    # Less than two months before the first anniversary: art. 9.1.3, not art. 17, applies.
    termination = client_termination(date(2025, 1, 15), at(2025, 12, 20), PACK)
    assert termination.effective_on == date(2026, 1, 15)
    assert termination.notice_deadline is None
    assert not termination.renewed_first
    assert termination.clause.article == "9.1.3"


def test_early_termination_owes_the_instalments_left_in_the_commitment():
    balance = termination_balance(date(2025, 1, 31), at(2025, 6, 15), "monthly", HUNDRED, PACK)
    assert balance.due_dates == (
        date(2025, 6, 30),
        date(2025, 7, 31),
        date(2025, 8, 31),
        date(2025, 9, 30),
        date(2025, 10, 31),
        date(2025, 11, 30),
        date(2025, 12, 31),
    )
    assert balance.total == Decimal("700.00")
    assert balance.clause.article == "9.1.3"


@pytest.mark.parametrize(
    ("notice_day", "count"),
    [
        (date(2025, 6, 29), 7),  # the day before an instalment: it is still to fall due
        (date(2025, 6, 30), 6),  # the day of: that instalment is an ordinary invoice
        (date(2025, 7, 1), 6),
    ],
)
def test_an_instalment_due_on_the_notice_day_is_not_part_of_the_balance(notice_day, count):
    notice = at(notice_day.year, notice_day.month, notice_day.day)
    balance = termination_balance(date(2025, 1, 31), notice, "monthly", HUNDRED, PACK)
    assert len(balance.due_dates) == count


def test_force_majeure_releases_an_early_termination():
    balance = termination_balance(
        date(2025, 1, 31), at(2025, 6, 15), "monthly", HUNDRED, PACK, force_majeure=True
    )
    assert balance.total == Decimal("0.00")
    assert balance.clause.article == "9.1.3"


def test_quarterly_balance_counts_whole_quarters():
    balance = termination_balance(date(2025, 1, 31), at(2025, 5, 1), "quarterly", HUNDRED, PACK)
    assert balance.due_dates == (date(2025, 7, 31), date(2025, 10, 31))


def test_after_the_commitment_the_balance_runs_to_the_renewal_date():
    balance = termination_balance(START, at(2025, 2, 10), "monthly", HUNDRED, PACK)
    assert balance.due_dates == (date(2025, 3, 1), date(2025, 4, 1))
    assert balance.clause.article == "17"


def test_a_late_notice_owes_the_renewed_period_too():
    balance = termination_balance(START, at(2025, 3, 10), "monthly", HUNDRED, PACK)
    assert len(balance.due_dates) == 13
    assert balance.due_dates[0] == date(2025, 4, 1)
    assert balance.due_dates[-1] == date(2026, 4, 1)
    assert balance.total == Decimal("1300.00")


def test_balances_refuse_float_amounts():
    with pytest.raises(TypeError):
        termination_balance(START, at(2025, 2, 10), "monthly", 100.0, PACK)  # type: ignore[arg-type]
