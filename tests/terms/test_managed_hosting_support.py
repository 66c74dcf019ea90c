"""Tickets (1 business hour), emergency quota and overage, the two-hour quote rule."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import (
    emergency_overage,
    emergency_quota,
    office_calendar,
    quote_required_after_two_hours,
    ticket_ack_deadline,
)

PACK = load_pack("managed_hosting")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# -- ticket acknowledgement ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "deadline"),
    [
        (paris(2026, 11, 18, 10, 0), paris(2026, 11, 18, 11, 0)),
        (paris(2026, 11, 20, 16, 59), paris(2026, 11, 20, 17, 59)),
        (paris(2026, 11, 20, 17, 0), paris(2026, 11, 20, 18, 0)),
        (paris(2026, 11, 20, 17, 30), paris(2026, 11, 23, 9, 30)),
        (paris(2026, 11, 20, 18, 0), paris(2026, 11, 23, 10, 0)),
        (paris(2026, 11, 21, 12, 0), paris(2026, 11, 23, 10, 0)),
        (paris(2026, 7, 13, 17, 30), paris(2026, 7, 15, 9, 30)),  # over the 14 July
        (paris(2026, 4, 3, 17, 30), paris(2026, 4, 7, 9, 30)),  # over Easter Monday
        (paris(2026, 3, 27, 17, 30), paris(2026, 3, 30, 9, 30)),  # over the DST night
    ],
)
def test_tickets_are_acknowledged_within_one_business_hour(
    received: datetime, deadline: datetime
) -> None:
    result = ticket_ack_deadline(received, PACK)
    assert result.deadline == deadline
    assert str(result.clause) == "Art. 5 — Conditions d'intervention"


def test_moselle_clients_do_not_count_good_friday() -> None:
    moselle = office_calendar(PACK, "57")
    result = ticket_ack_deadline(paris(2026, 4, 2, 17, 30), PACK, moselle)
    assert result.deadline == paris(2026, 4, 7, 9, 30)


def test_a_human_reply_at_the_deadline_is_on_time() -> None:
    ack = ticket_ack_deadline(paris(2026, 11, 18, 10, 0), PACK)
    assert not ack.is_breached(ack.deadline, now=ack.deadline + timedelta(days=1))
    late_reply = ack.deadline + timedelta(seconds=1)
    assert ack.is_breached(late_reply, now=late_reply)


def test_without_a_human_reply_the_ticket_is_late_after_the_deadline() -> None:
    ack = ticket_ack_deadline(paris(2026, 11, 18, 10, 0), PACK)
    assert not ack.is_breached(None, now=ack.deadline)
    assert ack.is_breached(None, now=ack.deadline + timedelta(seconds=1))


# -- emergency quota -----------------------------------------------------------------------

START = date(2026, 3, 15)


def test_the_fourth_emergency_of_a_contract_year_is_covered() -> None:
    previous = [date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 1)]
    result = emergency_quota(START, previous, date(2026, 12, 1), PACK)
    assert (result.used_before, result.quota, result.within_quota) == (3, 4, True)
    assert str(result.clause) == "Art. 8.1 — Tarif"


def test_the_fifth_is_billable() -> None:
    previous = [date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 1), date(2026, 12, 1)]
    assert not emergency_quota(START, previous, date(2027, 3, 14), PACK).within_quota


def test_the_quota_starts_again_on_the_anniversary() -> None:
    previous = [date(2026, 4, 1), date(2026, 6, 1), date(2026, 9, 1), date(2026, 12, 1)]
    result = emergency_quota(START, previous, date(2027, 3, 15), PACK)
    assert (result.year_start, result.year_end) == (date(2027, 3, 15), date(2028, 3, 14))
    assert result.within_quota


def test_emergencies_are_counted_per_contract_year_not_calendar_year() -> None:
    previous = [date(2026, 3, 20), date(2026, 5, 1), date(2026, 12, 31), date(2027, 1, 2)]
    assert not emergency_quota(START, previous, date(2027, 2, 1), PACK).within_quota


def test_an_emergency_before_the_contract_is_refused() -> None:
    with pytest.raises(ValueError, match="before the contract start"):
        emergency_quota(START, [], date(2026, 3, 14), PACK)


# -- overage price -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("duration", "amount"),
    [
        (timedelta(0), "0.00"),
        (timedelta(seconds=59), "0.00"),
        (timedelta(minutes=1), "2.15"),
        (timedelta(minutes=1, seconds=59), "2.15"),
        (timedelta(minutes=7), "15.05"),
        (timedelta(hours=1), "129.00"),
        (timedelta(hours=1, minutes=1), "131.15"),
        (timedelta(hours=2, minutes=30), "322.50"),
    ],
)
def test_overage_is_129_euros_an_hour_pro_rata_to_the_minute(
    duration: timedelta, amount: str
) -> None:
    result = emergency_overage(duration, PACK)
    assert result.amount == Decimal(amount)
    assert result.hourly_rate == Decimal("129.00")
    assert str(result.clause) == "Art. 8.1 — Tarif"


def test_a_negative_duration_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        emergency_overage(timedelta(minutes=-1), PACK)


# -- quote beyond two hours ----------------------------------------------------------------

BEGIN = paris(2026, 11, 18, 10, 0)


@pytest.mark.parametrize(
    ("worked", "required"),
    [
        (timedelta(hours=1, minutes=59, seconds=59), False),
        (timedelta(hours=2), True),
        (timedelta(hours=2, minutes=1), True),
    ],
)
def test_a_quote_is_needed_to_work_beyond_two_hours(worked: timedelta, required: bool) -> None:
    result = quote_required_after_two_hours(BEGIN, BEGIN + worked, PACK)
    assert result.quote_required is required
    assert result.covered_until == paris(2026, 11, 18, 12, 0)
    assert result.billable == timedelta(0)
    assert str(result.clause) == "Art. 5 — Conditions d'intervention"


def test_once_the_quote_is_accepted_the_extra_time_is_billable() -> None:
    result = quote_required_after_two_hours(
        BEGIN, BEGIN + timedelta(hours=2, minutes=1), PACK, quote_accepted=True
    )
    assert not result.quote_required
    assert result.billable == timedelta(minutes=1)
