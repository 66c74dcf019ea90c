"""Art. 8.1: a notice given between the announcement of an increase and its application
ends the contract on the day the new price would apply, citing art. 8.1."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    AnnouncedIncrease,
    client_termination,
    termination_balance,
)

PACK = load_pack("coaching_training", "1.1")
PARIS = ZoneInfo("Europe/Paris")
START = date(2026, 1, 5)  # commitment to 4 January 2027
INCREASE = AnnouncedIncrease(datetime(2026, 2, 1, 10, tzinfo=PARIS), date(2026, 6, 5))


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("notice", "refuses", "effective_on", "article"),
    [
        (at(2026, 1, 31), False, date(2027, 1, 5), "9.1.3"),  # before the announcement
        (at(2026, 2, 1, 18), True, date(2026, 6, 5), "8.1"),  # the announcement day
        (at(2026, 6, 4, 23), True, date(2026, 6, 5), "8.1"),  # the last day at the old price
        (at(2026, 6, 5, 0), False, date(2027, 1, 5), "9.1.3"),  # the new price applies
    ],
)
def test_the_window_runs_from_the_announcement_to_the_day_before_the_new_price(
    notice, refuses, effective_on, article
):
    termination = client_termination(START, notice, PACK, pending_increase=INCREASE)
    assert termination.refuses_increase is refuses
    assert termination.effective_on == effective_on
    assert termination.clause.article == article


def test_in_commitment_the_refusal_owes_only_the_instalments_before_the_new_price():
    balance = termination_balance(
        START, at(2026, 4, 20), "monthly", Decimal("390.00"), PACK, pending_increase=INCREASE
    )
    assert balance.due_dates == (date(2026, 5, 5),)  # not the 7 after it
    assert balance.total == Decimal("390.00")
    assert balance.clause.article == "8.1"
    assert balance.at_once is False


def test_an_ordinary_end_before_the_new_price_wins():
    # After the commitment, an art. 17 notice in time ends on the renewal date (5 January
    # 2028), before an increase applying in March 2028.
    late_increase = AnnouncedIncrease(at(2027, 10, 1), date(2028, 3, 1))
    termination = client_termination(START, at(2027, 10, 2), PACK, pending_increase=late_increase)
    assert not termination.refuses_increase
    assert termination.effective_on == date(2028, 1, 5)
    assert termination.clause.article == "17"


def test_pack_1_0_bills_the_balance_at_once_and_1_1_at_the_due_dates():
    old = termination_balance(
        START, at(2026, 4, 20), "monthly", Decimal("390"), load_pack("coaching_training", "1.0")
    )
    new = termination_balance(START, at(2026, 4, 20), "monthly", Decimal("390"), PACK)
    assert old.due_dates == new.due_dates and len(new.due_dates) == 8
    assert (old.at_once, new.at_once) == (True, False)
