"""Art. 5 (pack 1.1): overage time is billable only after the client's agreement, and
past two hours only after an accepted quote; only work done after it counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import Pause, billable_overage

V10 = load_pack("managed_hosting", "1.0")
V11 = load_pack("managed_hosting", "1.1")
START = datetime(2026, 6, 1, 8, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return START + timedelta(minutes=minutes)


def billed(end: int, pack=V11, **kwargs) -> int:
    kwargs.setdefault("within_quota", False)
    result = billable_overage(START, at(end), pack, **kwargs)
    return result.billable // timedelta(minutes=1)


@pytest.mark.parametrize(
    ("agreed", "minutes"),
    [(-1, 90), (0, 90), (1, 89), (90, 0), (None, 0)],  # before, at, after the start; none
)
def test_only_work_after_the_agreement_is_billable(agreed: int | None, minutes: int) -> None:
    agreed_at = at(agreed) if agreed is not None else None
    assert billed(90, agreed_at=agreed_at) == minutes


def test_pack_1_0_bills_the_covered_hours_without_agreement() -> None:
    assert billed(90, V10) == 90
    assert billed(180, V10) == 120  # past two hours: never without a quote


@pytest.mark.parametrize(("quote", "minutes"), [(None, 120), (119, 180), (120, 180), (150, 150)])
def test_work_past_two_hours_needs_a_quote_accepted_before_it(
    quote: int | None, minutes: int
) -> None:
    quote_at = at(quote) if quote is not None else None
    assert billed(180, agreed_at=at(0), quote_accepted_at=quote_at) == minutes


def test_within_the_quota_only_quoted_work_past_two_hours_is_billable() -> None:
    assert billed(165, within_quota=True) == 0
    assert billed(165, within_quota=True, quote_accepted_at=at(110)) == 45


def test_idle_time_waiting_for_parts_pushes_the_covered_hours_later() -> None:
    idle = [Pause(at(30), at(90), "third_party_parts")]
    result = billable_overage(
        START, at(200), V11, idle=idle, within_quota=False, agreed_at=at(0),
        quote_accepted_at=at(180),
    )  # fmt: skip
    # Covered hours run to 180 (120 worked + 60 idle); 20 minutes after the quote.
    assert result.worked == timedelta(minutes=140)
    assert result.billable == timedelta(minutes=140)
