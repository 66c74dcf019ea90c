"""Properties of the managed-hosting rules: monotonic tiers, bounded credits, proration."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import (
    cap_monthly_credits,
    emergency_overage,
    gti_credit,
    gti_deadline,
    gtr_credit,
    ha_credit,
    ticket_ack_deadline,
)

PACK = load_pack("managed_hosting")

instants = st.datetimes(
    min_value=datetime(2024, 1, 1),
    max_value=datetime(2029, 12, 31),
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=48))
fees = st.decimals(min_value=0, max_value=100_000, places=2)
availabilities = st.decimals(min_value=0, max_value=100, places=3)

# Shared CI machines can be slow; a slow example is not a wrong one.
relaxed = settings(deadline=None)


@relaxed
@given(instants)
def test_the_gti_deadline_is_never_more_than_three_clock_hours_away(requested: datetime) -> None:
    result = gti_deadline(requested, PACK)
    assert requested < result.deadline <= requested + timedelta(hours=3)
    if result.in_office_hours:
        assert result.deadline - requested <= timedelta(hours=3)
    else:
        assert result.deadline - requested == timedelta(hours=3)


@relaxed
@given(instants, instants)
def test_a_later_request_never_gets_an_earlier_gti_deadline(one: datetime, other: datetime) -> None:
    earlier, later = sorted((one, other))
    assert gti_deadline(earlier, PACK).deadline <= gti_deadline(later, PACK).deadline


@relaxed
@given(durations, durations, fees)
def test_gti_credit_grows_with_lateness_and_never_exceeds_the_fee(
    one: timedelta, other: timedelta, fee: Decimal
) -> None:
    deadline = datetime(2026, 11, 18, 11, tzinfo=UTC)
    small, large = sorted((one, other))
    less = gti_credit(deadline, deadline + small, fee, PACK, deadline)
    more = gti_credit(deadline, deadline + large, fee, PACK, deadline)
    assert less.percent <= more.percent
    assert Decimal(0) <= less.amount <= more.amount <= fee


@relaxed
@given(durations, durations, fees)
def test_gtr_credit_grows_with_restoration_time(
    one: timedelta, other: timedelta, fee: Decimal
) -> None:
    start = datetime(2026, 11, 18, 22, tzinfo=UTC)
    small, large = sorted((one, other))
    less = gtr_credit(start, start + small, fee, PACK, start, full_backup_managed=True)
    more = gtr_credit(start, start + large, fee, PACK, start, full_backup_managed=True)
    assert less.percent <= more.percent
    assert less.amount <= more.amount <= fee


@relaxed
@given(availabilities, availabilities, fees)
def test_lower_availability_never_earns_less(one: Decimal, other: Decimal, fee: Decimal) -> None:
    low, high = sorted((one, other))
    assert ha_credit(low, fee, PACK).percent >= ha_credit(high, fee, PACK).percent


@relaxed
@given(st.lists(fees, max_size=6), fees)
def test_capped_credits_never_exceed_the_fee_nor_the_request(
    credits: list[Decimal], fee: Decimal
) -> None:
    result = cap_monthly_credits(credits, fee, PACK)
    assert result.granted == min(result.requested, fee)
    assert result.capped == (result.requested > fee)


@relaxed
@given(st.integers(0, 10_000), st.integers(0, 10_000))
def test_overage_is_exactly_proportional_to_whole_minutes(one: int, other: int) -> None:
    whole = emergency_overage(timedelta(minutes=one + other), PACK).amount
    parts = (
        emergency_overage(timedelta(minutes=one), PACK).amount
        + emergency_overage(timedelta(minutes=other), PACK).amount
    )
    # 129 € / 60 = 2.15 € a minute exactly, so proration never needs rounding here.
    assert whole == parts == Decimal("2.15") * (one + other)


@relaxed
@given(instants)
def test_the_ticket_deadline_is_one_office_hour_after_reception(received: datetime) -> None:
    calendar = PACK.calendar("calendar.office_hours")
    deadline = ticket_ack_deadline(received, PACK).deadline
    assert calendar.between(received, deadline) == timedelta(hours=1)
    assert calendar.is_open(deadline - timedelta(microseconds=1))
