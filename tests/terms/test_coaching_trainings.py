"""Training postponement and cancellation by the client and by the provider (art. 10.2)."""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    client_training_change,
    provider_training_change,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")


def on(day, h=12, mi=0):
    return datetime(day.year, day.month, day.day, h, mi, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("requested", "free"),
    [(date(2025, 5, 14), True), (date(2025, 5, 15), True), (date(2025, 5, 16), False)],
)
def test_client_changes_are_free_until_one_month_before(requested, free):
    change = client_training_change(date(2025, 6, 15), on(requested), PACK)
    assert change.last_day == date(2025, 5, 15)
    assert change.allowed is free
    assert change.billed is not free
    assert change.clause.article == "10.2"


@pytest.mark.parametrize(
    ("starts_on", "last_day"),
    [
        (date(2025, 3, 31), date(2025, 2, 28)),
        (date(2025, 3, 29), date(2025, 2, 28)),
        (date(2024, 3, 31), date(2024, 2, 29)),
        (date(2024, 3, 30), date(2024, 2, 29)),
        (date(2025, 1, 31), date(2024, 12, 31)),
    ],
)
def test_one_month_before_clamps_at_month_end(starts_on, last_day):
    change = client_training_change(starts_on, on(last_day), PACK)
    assert change.last_day == last_day
    assert change.allowed


def test_the_request_day_is_the_paris_day():
    # 23:30 UTC on 28 February is 00:30 on 1 March in Paris: past the deadline.
    change = client_training_change(
        date(2025, 3, 31), datetime(2025, 2, 28, 23, 30, tzinfo=UTC), PACK
    )
    assert change.requested_on == date(2025, 3, 1)
    assert change.billed


STARTS = date(2025, 6, 20)


@pytest.mark.parametrize(
    ("decided", "allowed"),
    [(date(2025, 6, 12), True), (date(2025, 6, 13), True), (date(2025, 6, 14), False)],
)
def test_the_provider_cancels_at_the_latest_seven_days_before(decided, allowed):
    result = provider_training_change(STARTS, on(decided), PACK, fees_paid=Decimal("1200"))
    assert result.change.last_day == date(2025, 6, 13)
    assert result.change.allowed is allowed
    assert result.change.billed is False
    assert result.change.clause.article == "10.2"


def test_a_provider_cancellation_refunds_in_full_or_credits_at_the_clients_choice():
    refund = provider_training_change(STARTS, on(date(2025, 6, 1)), PACK, fees_paid=Decimal("1200"))
    assert (refund.settlement, refund.amount) == ("refund", Decimal("1200.00"))
    credit = provider_training_change(
        STARTS, on(date(2025, 6, 1)), PACK, fees_paid=Decimal("1200"), client_choice="credit_note"
    )
    assert (credit.settlement, credit.amount) == ("credit_note", Decimal("1200.00"))


def test_a_refused_cancellation_settles_nothing():
    late = provider_training_change(STARTS, on(date(2025, 6, 14)), PACK, fees_paid=Decimal("1200"))
    assert (late.settlement, late.amount) == (None, Decimal("0.00"))


def test_a_provider_postponement_follows_the_seven_day_limit():
    late = provider_training_change(STARTS, on(date(2025, 6, 14)), PACK, kind="postpone")
    assert not late.change.allowed
    assert late.settlement is None


def test_a_postponement_forced_by_circumstances_has_no_limit():
    forced = provider_training_change(
        STARTS, on(date(2025, 6, 19)), PACK, kind="postpone", beyond_its_control=True
    )
    assert forced.change.allowed
    assert forced.settlement is None


def test_circumstances_do_not_lift_the_limit_on_cancellation():
    late = provider_training_change(
        STARTS, on(date(2025, 6, 19)), PACK, kind="cancel", beyond_its_control=True
    )
    assert not late.change.allowed
