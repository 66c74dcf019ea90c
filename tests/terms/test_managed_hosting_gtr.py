"""GTR: restoration time from intervention start, minus third-party parts and restores."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import Pause, gtr_credit

PACK = load_pack("managed_hosting")
FEE = Decimal("250.00")
START = datetime(2026, 11, 18, 22, 0, tzinfo=PARIS)


def credit(elapsed: timedelta, pauses: tuple[Pause, ...] = (), **kwargs: bool):  # type: ignore[no-untyped-def]
    kwargs.setdefault("full_backup_managed", True)
    return gtr_credit(START, START + elapsed, FEE, PACK, START + elapsed, pauses=pauses, **kwargs)


@pytest.mark.parametrize(
    ("elapsed", "percent"),
    [
        (timedelta(hours=3, minutes=59, seconds=59), 0),
        (timedelta(hours=4), 0),
        (timedelta(hours=4, seconds=1), 10),
        (timedelta(hours=8), 10),
        (timedelta(hours=8, seconds=1), 25),
        (timedelta(hours=16), 25),
        (timedelta(hours=16, seconds=1), 50),
        (timedelta(hours=24), 50),
        (timedelta(hours=24, seconds=1), 100),
    ],
)
def test_restoration_tiers_apply_strictly_beyond_each_bound(
    elapsed: timedelta, percent: int
) -> None:
    result = credit(elapsed)
    assert result.percent == percent
    assert result.amount == FEE * percent / 100
    assert str(result.clause) == "Art. 14 — Pénalités et SLA"


def test_third_party_parts_and_backup_restores_are_not_counted() -> None:
    pauses = (
        Pause(START + timedelta(hours=1), START + timedelta(hours=3), "disk replaced by host"),
        Pause(START + timedelta(hours=5), START + timedelta(hours=6), "backup restore"),
    )
    result = credit(timedelta(hours=9), pauses)
    assert result.elapsed == timedelta(hours=9)
    assert result.counted == timedelta(hours=6)
    assert result.percent == 10


def test_overlapping_pauses_count_once_and_are_clipped_to_the_intervention() -> None:
    pauses = (
        Pause(START - timedelta(hours=2), START + timedelta(hours=1)),
        Pause(START + timedelta(minutes=30), START + timedelta(hours=2)),
        Pause(START + timedelta(hours=9), START + timedelta(hours=12)),
    )
    assert credit(timedelta(hours=10), pauses).counted == timedelta(hours=7)


def test_an_unrestored_failure_runs_until_now() -> None:
    result = gtr_credit(
        START, None, FEE, PACK, START + timedelta(hours=17), full_backup_managed=True
    )
    assert (result.counted, result.percent) == (timedelta(hours=17), 50)


def test_without_the_full_backup_option_there_is_no_gtr_credit() -> None:
    result = credit(timedelta(hours=30), full_backup_managed=False)
    assert not result.eligible
    assert result.amount == Decimal("0.00")


def test_a_non_blocking_failure_earns_no_gtr_credit() -> None:
    assert credit(timedelta(hours=30), blocking_server_failure=False).percent == 0


def test_restoration_counts_real_hours_across_the_autumn_dst_night() -> None:
    start = datetime(2026, 10, 24, 22, 0, tzinfo=PARIS)
    restored = datetime(2026, 10, 25, 2, 30, tzinfo=PARIS)  # first 02:30, CEST
    result = gtr_credit(start, restored, FEE, PACK, restored, full_backup_managed=True)
    assert result.counted == timedelta(hours=4, minutes=30)
    later = restored.replace(fold=1)  # second 02:30, CET: one more hour
    assert gtr_credit(start, later, FEE, PACK, later, full_backup_managed=True).percent == 10
