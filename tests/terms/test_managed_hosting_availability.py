"""High-availability credits and the monthly credit cap."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import cap_monthly_credits, ha_credit

PACK = load_pack("managed_hosting")
FEE = Decimal("1000.00")


@pytest.mark.parametrize(
    ("availability", "percent"),
    [
        ("100", 0),
        ("99.95", 0),
        ("99.901", 0),
        ("99.9", 5),  # within "99.5% - 99.9%"
        ("99.51", 5),
        ("99.5", 10),  # on both ranges: the larger credit (art. 1190)
        ("99.01", 10),
        ("99", 25),  # on both ranges: the larger credit
        ("97.5", 25),
        ("97", 25),  # "97% - 99%" holds it; "<97%" is strict
        ("96.99", 50),
        ("90", 50),  # "<90%" is strict
        ("89.99", 75),
        ("0", 75),
    ],
)
def test_availability_tiers(availability: str, percent: int) -> None:
    result = ha_credit(Decimal(availability), FEE, PACK)
    assert result.percent == percent
    assert result.amount == FEE * percent / 100
    assert result.clause.article == "14"


@pytest.mark.parametrize("bad", [Decimal("100.01"), Decimal("-1"), 99.5])
def test_impossible_availabilities_are_refused(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        ha_credit(bad, FEE, PACK)


def test_credits_under_the_cap_are_granted_in_full() -> None:
    result = cap_monthly_credits([Decimal("100.00"), Decimal("250.00")], FEE, PACK)
    assert (result.requested, result.granted, result.capped) == (
        Decimal("350.00"),
        Decimal("350.00"),
        False,
    )


def test_credits_equal_to_the_fee_are_not_capped() -> None:
    result = cap_monthly_credits([Decimal("500.00"), Decimal("500.00")], FEE, PACK)
    assert (result.granted, result.capped) == (FEE, False)


def test_credits_over_the_fee_are_capped_at_the_fee() -> None:
    result = cap_monthly_credits([Decimal("1000.00"), Decimal("0.01")], FEE, PACK)
    assert (result.requested, result.granted, result.capped) == (Decimal("1000.01"), FEE, True)
    assert str(result.clause) == "Art. 14 — Pénalités et SLA"


def test_no_credits_is_nothing() -> None:
    assert cap_monthly_credits([], FEE, PACK).granted == Decimal("0.00")
