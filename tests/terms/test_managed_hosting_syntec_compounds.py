"""Art. 8.2: each revision divides by the index the previous one retained; the latest
index *published* by the anniversary is the one used (pack 1.1)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import (
    latest_published_index,
    revision_applies_from_anniversary,
    syntec_index,
    syntec_revision,
)

V10 = load_pack("managed_hosting", "1.0")
V11 = load_pack("managed_hosting", "1.1")
ANNIVERSARY = date(2027, 1, 5)


@pytest.mark.parametrize("pack", [V10, V11], ids=["1.0", "1.1"])
def test_the_second_revision_divides_by_the_first_ones_index(pack) -> None:
    first_index = syntec_index(Decimal("282.7"), date(2022, 3, 1), pack)
    first = syntec_revision(Decimal("1200.00"), first_index, pack)
    assert first.revised_amount == Decimal("1263.46")  # 1200 x 282.7 / 268.5
    second_index = syntec_index(Decimal("290.0"), date(2022, 6, 1), pack)
    second = syntec_revision(first.revised_amount, second_index, pack, first_index)
    # 1263.46 x 290 / 282.7 = 1296.09; dividing by 268.5 again would give 1364.66.
    assert second.revised_amount == Decimal("1296.09")
    assert second.base == Decimal("282.7")


@pytest.mark.parametrize("pack", [V10, V11], ids=["1.0", "1.1"])
def test_an_unchanged_index_leaves_the_amount_unchanged(pack) -> None:
    retained = syntec_index(Decimal("300.0"), date(2025, 11, 1), pack)
    again = syntec_index(Decimal("300.0"), date(2026, 11, 1), pack)
    assert syntec_revision(Decimal("3421.24"), again, pack, retained).revised_amount == Decimal(
        "3421.24"
    )


def test_a_retained_old_series_index_is_linked_into_the_new_series() -> None:
    retained = syntec_index(Decimal("282.7"), date(2022, 3, 1), V11)
    latest = syntec_index(Decimal("296.2"), date(2023, 3, 1), V11)
    revision = syntec_revision(Decimal("1263.46"), latest, V11, retained)
    assert revision.base == Decimal("282.7") * Decimal("0.97975")
    assert revision.revised_amount == Decimal("1351.16")


def _indices(pack, december_published_on: date) -> list:
    return [
        syntec_index(Decimal("295.0"), date(2026, 11, 1), pack, date(2026, 12, 10)),
        syntec_index(Decimal("300.0"), date(2026, 12, 1), pack, december_published_on),
    ]


@pytest.mark.parametrize(
    ("published_on", "month"),
    [
        (date(2027, 1, 4), date(2026, 12, 1)),
        (date(2027, 1, 5), date(2026, 12, 1)),  # published on the anniversary: counts
        (date(2027, 1, 6), date(2026, 11, 1)),  # the day after: not published yet
    ],
)
def test_pack_1_1_takes_the_latest_published_on_or_before_the_anniversary(
    published_on: date, month: date
) -> None:
    latest = latest_published_index(_indices(V11, published_on), ANNIVERSARY, V11)
    assert latest is not None and latest.month == month


def test_pack_1_0_keeps_its_latest_month_reading() -> None:
    latest = latest_published_index(_indices(V10, date(2027, 1, 20)), ANNIVERSARY, V10)
    assert latest is not None and latest.month == date(2026, 12, 1)


def test_an_index_without_publication_date_counts_from_its_month() -> None:
    undated = [syntec_index(Decimal("300.0"), date(2027, 1, 1), V11)]
    assert latest_published_index(undated, ANNIVERSARY, V11) is not None
    assert latest_published_index(undated, date(2026, 12, 31), V11) is None


def test_only_pack_1_1_applies_the_revision_from_the_anniversary_itself() -> None:
    assert revision_applies_from_anniversary(V11)
    assert not revision_applies_from_anniversary(V10)
