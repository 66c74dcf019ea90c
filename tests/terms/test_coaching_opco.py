"""OPCO funding: subrogation threshold, agreement before start, uncovered parts (8.1.2, 8.2.4)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    opco_attendance_split,
    opco_billing,
    opco_subrogation_allowed,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")
STARTS = datetime(2025, 9, 1, 9, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("quote", "allowed"),
    [("2999.99", False), ("3000.00", True), ("3000", True), ("3000.01", True)],
)
def test_no_subrogation_under_3000_euros_excl_vat(quote, allowed):
    assert opco_subrogation_allowed(Decimal(quote), PACK) is allowed


def test_an_agreement_in_time_splits_the_price():
    billing = opco_billing(
        Decimal("5000"), Decimal("3500"), STARTS, STARTS - timedelta(days=1), PACK
    )
    assert (billing.opco_amount, billing.client_amount) == (Decimal("3500.00"), Decimal("1500.00"))
    assert billing.agreement_in_time and billing.subrogation_allowed
    assert billing.client_billed_on is None
    assert billing.clause.article == "8.2.4"


@pytest.mark.parametrize(
    ("received", "in_time"),
    [
        (STARTS - timedelta(minutes=1), True),
        (STARTS, False),  # at the start instant is not "before the start"
        (STARTS + timedelta(minutes=1), False),
        (None, False),
    ],
)
def test_the_agreement_must_arrive_before_the_start(received, in_time):
    billing = opco_billing(Decimal("5000"), Decimal("5000"), STARTS, received, PACK)
    assert billing.agreement_in_time is in_time
    if not in_time:
        assert (billing.opco_amount, billing.client_amount) == (Decimal("0.00"), Decimal("5000.00"))
        assert billing.client_billed_on == date(2025, 9, 1)


def test_the_first_day_is_the_paris_day_of_the_start():
    starts = datetime(2025, 8, 31, 22, 30, tzinfo=UTC)  # 00:30 on 1 September in Paris
    billing = opco_billing(Decimal("5000"), Decimal("5000"), starts, None, PACK)
    assert billing.client_billed_on == date(2025, 9, 1)


def test_under_the_threshold_the_client_pays_everything():
    billing = opco_billing(
        Decimal("2500"), Decimal("2500"), STARTS, STARTS - timedelta(days=10), PACK
    )
    assert not billing.subrogation_allowed
    assert (billing.opco_amount, billing.client_amount) == (Decimal("0.00"), Decimal("2500.00"))
    assert billing.client_billed_on is None


def test_coverage_above_the_price_is_capped():
    billing = opco_billing(
        Decimal("4000"), Decimal("4500"), STARTS, STARTS - timedelta(days=1), PACK
    )
    assert (billing.opco_amount, billing.client_amount) == (Decimal("4000.00"), Decimal("0.00"))


def test_absences_shift_their_share_to_the_client():
    split = opco_attendance_split(Decimal("3500"), Decimal("21"), Decimal("3.5"), PACK)
    # 3500 × 17.5 / 21 = 2916.666… → 2916.67; the client gets the rest.
    assert (split.opco_billable, split.client_billable) == (Decimal("2916.67"), Decimal("583.33"))
    assert split.clause.article == "8.1.2"


@pytest.mark.parametrize(
    ("not_done", "opco", "client"),
    [("0", "3500.00", "0.00"), ("21", "0.00", "3500.00")],
)
def test_full_and_no_attendance(not_done, opco, client):
    split = opco_attendance_split(Decimal("3500"), Decimal("21"), Decimal(not_done), PACK)
    assert (split.opco_billable, split.client_billable) == (Decimal(opco), Decimal(client))


@pytest.mark.parametrize(("planned", "not_done"), [("0", "0"), ("21", "22"), ("21", "-1")])
def test_impossible_hours_are_refused(planned, not_done):
    with pytest.raises(ValueError):
        opco_attendance_split(Decimal("3500"), Decimal(planned), Decimal(not_done), PACK)


def test_amounts_must_not_be_floats():
    with pytest.raises(TypeError):
        opco_subrogation_allowed(3000.0, PACK)  # type: ignore[arg-type]
