"""Art. 3.2 under pack 1.1: alerts go to the client and the provider at once, 24x7;
escalation at t+30 min for every service in HO, only HTTP and Ping in HNO, the others at
the next HO opening."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import alert_dispatch

PACK = load_pack("managed_hosting", "1.1")
HALF_HOUR = timedelta(minutes=30)


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


@pytest.mark.parametrize(
    "raised",
    [
        paris(2026, 11, 18, 10, 0),  # Wednesday, HO
        paris(2026, 11, 21, 3, 10),  # Saturday night
        paris(2026, 7, 14, 10, 0),  # Bastille Day
        paris(2026, 3, 29, 3, 30),  # Sunday of the DST change, an hour after it
    ],
)
@pytest.mark.parametrize(("service", "critical"), [("disk", False), ("smtp", True), ("http", True)])
def test_every_alert_goes_out_when_it_is_raised(raised, service, critical) -> None:
    result = alert_dispatch(raised, service, critical, PACK)
    assert result.send_at == raised
    assert str(result.clause) == "Art. 3.2 — Surveillance comprenant"


def test_in_office_hours_every_service_escalates_thirty_minutes_later() -> None:
    raised = paris(2026, 11, 18, 10, 0)
    result = alert_dispatch(raised, "swap", False, PACK)
    assert (result.escalate_at, result.deferred) == (raised + HALF_HOUR, False)


@pytest.mark.parametrize("service", ["HTTP", " ping ", "Ping"])
@pytest.mark.parametrize("critical", [True, False])
def test_in_hno_http_and_ping_escalate_thirty_minutes_later(service, critical) -> None:
    raised = paris(2026, 11, 21, 3, 10)
    result = alert_dispatch(raised, service, critical, PACK)
    assert (result.escalate_at, result.deferred) == (raised + HALF_HOUR, False)


def test_in_hno_the_others_escalate_at_the_next_opening() -> None:
    result = alert_dispatch(paris(2026, 11, 21, 3, 10), "smtp", True, PACK)
    assert result.send_at == paris(2026, 11, 21, 3, 10)
    assert (result.escalate_at, result.deferred) == (paris(2026, 11, 23, 9, 0), True)


@pytest.mark.parametrize(
    ("raised", "escalate_at"),
    [
        (paris(2026, 11, 20, 17, 29), paris(2026, 11, 20, 17, 59)),  # escalation in HO
        (paris(2026, 11, 20, 17, 30), paris(2026, 11, 23, 9, 0)),  # 18:00 is HNO: Monday
        (paris(2026, 11, 20, 17, 31), paris(2026, 11, 23, 9, 0)),
        (paris(2026, 11, 23, 8, 29), paris(2026, 11, 23, 9, 0)),  # 08:59: at the opening
        (paris(2026, 11, 23, 8, 30), paris(2026, 11, 23, 9, 0)),  # 09:00 sharp
        (paris(2026, 11, 23, 8, 31), paris(2026, 11, 23, 9, 1)),  # 09:01, open
    ],
)
def test_the_escalation_instant_decides_ho_or_hno(raised, escalate_at) -> None:
    result = alert_dispatch(raised, "smtp", True, PACK)
    assert result.send_at == raised
    assert result.escalate_at == escalate_at


def test_a_holiday_is_hno_for_escalation_but_not_for_the_alert() -> None:
    result = alert_dispatch(paris(2026, 7, 14, 10, 0), "mysql", True, PACK)
    assert result.send_at == paris(2026, 7, 14, 10, 0)
    assert result.escalate_at == paris(2026, 7, 15, 9, 0)


def test_after_the_dst_weekend_the_escalation_opens_at_0900_paris() -> None:
    result = alert_dispatch(paris(2026, 3, 28, 12, 0), "swap", True, PACK)
    assert result.escalate_at == paris(2026, 3, 30, 9, 0)
    assert result.escalate_at.utcoffset() == timedelta(0) and result.escalate_at.hour == 7
