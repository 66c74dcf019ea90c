"""GTI: when an emergency intervention must start, and the credit when it starts late."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import gti_credit, gti_deadline, office_calendar

PACK = load_pack("managed_hosting")
FEE = Decimal("400.00")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# -- deadline ------------------------------------------------------------------------------


def test_a_request_in_office_hours_gets_one_business_hour() -> None:
    result = gti_deadline(paris(2026, 11, 18, 10, 0), PACK)
    assert result.deadline == paris(2026, 11, 18, 11, 0)
    assert result.in_office_hours
    assert str(result.clause) == "Art. 5 — Conditions d'intervention"


def test_a_request_at_1700_friday_is_due_at_1800() -> None:
    assert gti_deadline(paris(2026, 11, 20, 17, 0), PACK).deadline == paris(2026, 11, 20, 18, 0)


def test_a_request_at_1730_friday_is_capped_at_three_clock_hours() -> None:
    result = gti_deadline(paris(2026, 11, 20, 17, 30), PACK)
    # +1 business hour would be Monday 09:30; the 3-hour cap keeps HO no worse than HNO.
    assert result.deadline == paris(2026, 11, 20, 20, 30)
    assert result.in_office_hours


def test_a_request_at_1759_friday_is_capped_too() -> None:
    result = gti_deadline(paris(2026, 11, 20, 17, 59), PACK)
    assert result.deadline == paris(2026, 11, 20, 20, 59)


def test_the_cap_cites_its_own_entry() -> None:
    assert gti_deadline(paris(2026, 11, 20, 17, 30), PACK).clause.article == "5"


def test_a_request_at_1800_is_hno_three_clock_hours() -> None:
    result = gti_deadline(paris(2026, 11, 20, 18, 0), PACK)
    assert result.deadline == paris(2026, 11, 20, 21, 0)
    assert not result.in_office_hours


def test_a_request_on_saturday_is_hno() -> None:
    result = gti_deadline(paris(2026, 11, 21, 11, 0), PACK)
    assert result.deadline == paris(2026, 11, 21, 14, 0)
    assert not result.in_office_hours


def test_a_request_on_the_14_july_is_hno() -> None:
    assert not gti_deadline(paris(2026, 7, 14, 10, 0), PACK).in_office_hours


def test_a_request_on_26_december_is_hno_in_moselle_only() -> None:
    at = paris(2025, 12, 26, 10, 0)
    assert gti_deadline(at, PACK).deadline == paris(2025, 12, 26, 11, 0)
    moselle = office_calendar(PACK, "57")
    assert gti_deadline(at, PACK, moselle).deadline == paris(2025, 12, 26, 13, 0)


def test_hno_deadlines_are_real_hours_across_the_spring_dst_night() -> None:
    # Saturday 23:30 CET + 3 real hours = Sunday 03:30 CEST (02:xx does not exist).
    result = gti_deadline(paris(2026, 3, 28, 23, 30), PACK)
    assert result.deadline == paris(2026, 3, 29, 3, 30)
    assert result.deadline - paris(2026, 3, 28, 23, 30) == timedelta(hours=3)


def test_hno_deadlines_are_real_hours_across_the_autumn_dst_night() -> None:
    start = paris(2026, 10, 24, 23, 30)  # CEST
    result = gti_deadline(start, PACK)
    assert result.deadline == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)  # 01:30 CET
    assert result.deadline.tzinfo is UTC


def test_a_naive_request_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        gti_deadline(datetime(2026, 11, 18, 10, 0), PACK)


# -- lateness credit -----------------------------------------------------------------------

DEADLINE = paris(2026, 11, 18, 11, 0)


@pytest.mark.parametrize(
    ("late", "percent"),
    [
        (timedelta(0), 0),
        (timedelta(minutes=59, seconds=59), 0),
        (timedelta(hours=1), 10),
        (timedelta(hours=1, seconds=1), 10),
        (timedelta(hours=2, minutes=59, seconds=59), 10),
        (timedelta(hours=3), 25),
        (timedelta(hours=3, minutes=59), 25),
        (timedelta(hours=4), 50),
        (timedelta(hours=7, minutes=59, seconds=59), 50),
        (timedelta(hours=8), 100),
        (timedelta(days=3), 100),
    ],
)
def test_lateness_tiers(late: timedelta, percent: int) -> None:
    credit = gti_credit(DEADLINE, DEADLINE + late, FEE, PACK, now=DEADLINE + late)
    assert credit.measured == late
    assert credit.percent == percent
    assert credit.amount == FEE * percent / 100
    assert str(credit.clause) == "Art. 14 — Pénalités et SLA"


def test_an_early_start_earns_nothing() -> None:
    credit = gti_credit(DEADLINE, DEADLINE - timedelta(minutes=20), FEE, PACK, now=DEADLINE)
    assert (credit.measured, credit.amount) == (timedelta(0), Decimal("0.00"))


def test_a_start_still_awaited_runs_until_now() -> None:
    credit = gti_credit(DEADLINE, None, FEE, PACK, now=DEADLINE + timedelta(hours=3))
    assert credit.percent == 25


def test_lateness_is_clock_time_even_overnight() -> None:
    deadline = paris(2026, 11, 20, 20, 30)
    credit = gti_credit(deadline, paris(2026, 11, 21, 4, 30), FEE, PACK, now=deadline)
    assert credit.measured == timedelta(hours=8)
    assert credit.percent == 100


def test_credit_amounts_round_half_up_to_the_cent() -> None:
    late = DEADLINE + timedelta(hours=3)
    assert gti_credit(DEADLINE, late, Decimal("99.95"), PACK, late).amount == Decimal("24.99")
    assert gti_credit(DEADLINE, late, Decimal("0.10"), PACK, late).amount == Decimal("0.03")


def test_float_fees_are_refused() -> None:
    with pytest.raises(TypeError, match="never float"):
        gti_credit(DEADLINE, DEADLINE, 400.0, PACK, DEADLINE)  # type: ignore[arg-type]
