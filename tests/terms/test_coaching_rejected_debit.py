"""A rejected debit makes every remaining instalment of the 12-month period due (art. 9.1.3)."""

from datetime import date
from decimal import Decimal

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import rejected_debit_acceleration

PACK = load_pack("coaching_training", "1.0")
START = date(2025, 1, 31)
HUNDRED = Decimal("100.00")


def test_it_bills_the_rest_of_the_commitment_at_once():
    accelerated = rejected_debit_acceleration(START, date(2025, 4, 30), "monthly", HUNDRED, PACK)
    assert accelerated.due_dates[0] == date(2025, 5, 31)
    assert accelerated.due_dates[-1] == date(2025, 12, 31)
    assert len(accelerated.due_dates) == 8
    assert accelerated.total == Decimal("800.00")
    assert accelerated.clause.article == "9.1.3"


def test_the_rejected_instalment_itself_is_not_billed_twice():
    accelerated = rejected_debit_acceleration(START, date(2025, 4, 30), "monthly", HUNDRED, PACK)
    assert date(2025, 4, 30) not in accelerated.due_dates


def test_a_rejected_last_instalment_accelerates_nothing():
    accelerated = rejected_debit_acceleration(START, date(2025, 12, 31), "monthly", HUNDRED, PACK)
    assert accelerated.due_dates == ()
    assert accelerated.total == Decimal("0.00")


def test_it_stops_at_the_end_of_the_renewal_period():
    accelerated = rejected_debit_acceleration(START, date(2026, 1, 31), "monthly", HUNDRED, PACK)
    assert len(accelerated.due_dates) == 11
    assert accelerated.due_dates[0] == date(2026, 2, 28)
    assert accelerated.due_dates[-1] == date(2026, 12, 31)


def test_a_prior_written_request_prevents_acceleration():
    accelerated = rejected_debit_acceleration(
        START, date(2025, 4, 30), "monthly", HUNDRED, PACK, prior_written_request=True
    )
    assert accelerated.due_dates == ()
    assert accelerated.clause.article == "9.1.3"


def test_quarterly_acceleration():
    accelerated = rejected_debit_acceleration(
        START, date(2025, 4, 30), "quarterly", Decimal("300.00"), PACK
    )
    assert accelerated.due_dates == (date(2025, 7, 31), date(2025, 10, 31))
    assert accelerated.total == Decimal("600.00")
