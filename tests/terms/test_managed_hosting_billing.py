"""SYNTEC revision (with the 2022 series change), calendar quarters, payment default."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import (
    SyntecIndex,
    next_revision_on,
    payment_default,
    payment_quarter,
    syntec_index,
    syntec_revision,
)

PACK = load_pack("managed_hosting")

# -- SYNTEC --------------------------------------------------------------------------------


def test_an_index_takes_its_series_from_its_month() -> None:
    assert syntec_index(Decimal("296.1"), date(2022, 7, 1), PACK).series == "old"
    assert syntec_index(Decimal("290.4"), date(2022, 8, 1), PACK).series == "new"


def test_revision_within_the_old_series() -> None:
    latest = syntec_index(Decimal("270"), date(2019, 3, 1), PACK)
    result = syntec_revision(Decimal("1000.00"), latest, PACK)
    assert result.revised_amount == Decimal("1005.59")  # 1000 x 270 / 268.5 = 1005.586...
    assert result.base == Decimal("268.5")
    assert str(result.clause) == "Art. 8.2 — Révision de prix"


def test_revision_across_the_series_change_links_the_contract_index() -> None:
    latest = syntec_index(Decimal("300.0"), date(2024, 8, 1), PACK)
    result = syntec_revision(Decimal("1000.00"), latest, PACK)
    assert result.base == Decimal("268.5") * Decimal("0.97975")  # 263.062875
    assert result.revised_amount == Decimal("1140.41")  # 1000 x 300 / 263.062875


def test_revision_within_the_new_series() -> None:
    base = SyntecIndex(Decimal("290.4"), date(2022, 8, 1), "new")
    latest = syntec_index(Decimal("304.6"), date(2024, 8, 1), PACK)
    assert syntec_revision(Decimal("500.00"), latest, PACK, base).revised_amount == Decimal(
        "524.45"
    )


def test_an_old_latest_against_a_new_base_is_linked_too() -> None:
    base = SyntecIndex(Decimal("290.4"), date(2022, 8, 1), "new")
    latest = SyntecIndex(Decimal("296.4"), date(2022, 7, 1), "old")
    result = syntec_revision(Decimal("1000.00"), latest, PACK, base)
    assert result.latest == Decimal("296.4") * Decimal("0.97975")


def test_float_indices_are_refused() -> None:
    with pytest.raises(TypeError, match="never float"):
        syntec_index(270.1, date(2019, 3, 1), PACK)  # type: ignore[arg-type]


def test_revision_refuses_float_amounts() -> None:
    latest = syntec_index(Decimal("270"), date(2019, 3, 1), PACK)
    with pytest.raises(TypeError):
        syntec_revision(1000.0, latest, PACK)  # type: ignore[arg-type]


# -- quarters ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "first", "last"),
    [
        (date(2026, 3, 31), date(2026, 1, 1), date(2026, 3, 31)),
        (date(2026, 4, 1), date(2026, 4, 1), date(2026, 6, 30)),
        (date(2028, 2, 29), date(2028, 1, 1), date(2028, 3, 31)),
    ],
)
def test_quarters_are_calendar_quarters(day: date, first: date, last: date) -> None:
    period = payment_quarter(day, PACK)
    assert (period.first, period.last) == (first, last)
    assert str(period.clause) == "Art. 8.3 — Paiements"


# -- payment default -----------------------------------------------------------------------

DUE = date(2026, 1, 1)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def test_paying_on_the_due_date_is_on_time() -> None:
    result = payment_default(DUE, None, None, PACK, now=paris(2026, 1, 1, 23, 59))
    assert not result.in_default
    assert not result.suspension_allowed


def test_the_day_after_the_due_date_suspension_needs_no_notice() -> None:
    result = payment_default(DUE, None, None, PACK, now=paris(2026, 1, 2, 0, 0))
    assert result.in_default
    assert result.suspension_allowed
    assert result.termination_allowed_from is None
    assert not result.termination_allowed
    assert str(result.clause) == "Art. 8.3 — Paiements"


def test_the_paris_date_decides_not_the_utc_date() -> None:
    # 23:30 UTC on 1 January is already 2 January in Paris.
    now = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    assert payment_default(DUE, None, None, PACK, now=now).in_default


def test_a_paid_invoice_is_not_in_default() -> None:
    result = payment_default(DUE, date(2026, 1, 1), None, PACK, now=paris(2026, 3, 1, 12))
    assert not result.in_default


def test_a_late_payment_ends_the_default() -> None:
    paid = date(2026, 1, 20)
    assert payment_default(DUE, paid, None, PACK, now=paris(2026, 1, 19, 12)).in_default
    assert not payment_default(DUE, paid, None, PACK, now=paris(2026, 1, 20, 12)).in_default


def test_termination_comes_after_the_fifteen_days_of_the_formal_notice() -> None:
    notice = date(2026, 2, 1)
    day_15 = payment_default(DUE, None, notice, PACK, now=paris(2026, 2, 16, 23, 59))
    assert day_15.termination_allowed_from == date(2026, 2, 17)
    assert not day_15.termination_allowed
    assert payment_default(
        DUE, None, notice, PACK, now=paris(2026, 2, 17, 0, 0)
    ).termination_allowed


def test_no_termination_once_paid() -> None:
    result = payment_default(DUE, date(2026, 2, 10), date(2026, 2, 1), PACK, paris(2026, 3, 1, 9))
    assert not result.termination_allowed


def test_default_makes_every_remaining_sum_due() -> None:
    assert payment_default(DUE, None, None, PACK, now=paris(2026, 1, 2, 9)).all_sums_due
    assert not payment_default(DUE, None, None, PACK, now=paris(2026, 1, 1, 9)).all_sums_due


@pytest.mark.parametrize(
    ("today", "revision"),
    [
        (date(2026, 6, 14), date(2026, 6, 15)),
        (date(2026, 6, 15), date(2026, 6, 15)),
        (date(2026, 6, 16), date(2027, 6, 15)),
    ],
)
def test_the_price_is_revised_on_each_contract_anniversary(today: date, revision: date) -> None:
    result = next_revision_on(date(2024, 6, 15), today, PACK)
    assert result.on == revision
    assert str(result.clause) == "Art. 8.2 — Révision de prix"
