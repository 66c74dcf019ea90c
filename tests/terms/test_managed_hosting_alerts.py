"""Alerts and escalation under pack 1.0: +30 minutes, and what HNO lets through (critical
HTTP and Ping). Pack 1.1 is in test_managed_hosting_alerts_go_out_at_once.py."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import alert_dispatch, escalation_time, office_calendar

PACK = load_pack("managed_hosting", "1.0")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


def test_escalation_is_thirty_minutes_after_the_alert() -> None:
    result = escalation_time(paris(2026, 11, 21, 3, 10), PACK)
    assert result.at == paris(2026, 11, 21, 3, 40)
    assert str(result.clause) == "Art. 3.2 — Surveillance comprenant"


def test_in_office_hours_every_alert_goes_out_at_once() -> None:
    result = alert_dispatch(paris(2026, 11, 18, 10, 0), "disk", False, PACK)
    assert result.send_at == paris(2026, 11, 18, 10, 0)
    assert result.escalate_at == paris(2026, 11, 18, 10, 30)
    assert not result.deferred


@pytest.mark.parametrize("service", ["HTTP", "ping", " Ping "])
def test_in_hno_critical_http_and_ping_alerts_go_out_and_escalate(service: str) -> None:
    raised = paris(2026, 11, 21, 3, 10)
    result = alert_dispatch(raised, service, True, PACK)
    assert (result.send_at, result.escalate_at, result.deferred) == (
        raised,
        raised + timedelta(minutes=30),
        False,
    )


@pytest.mark.parametrize(("service", "critical"), [("http", False), ("smtp", True)])
def test_in_hno_other_alerts_wait_for_the_next_opening(service: str, critical: bool) -> None:
    result = alert_dispatch(paris(2026, 11, 21, 3, 10), service, critical, PACK)
    assert result.deferred
    assert result.send_at == paris(2026, 11, 23, 9, 0)
    assert result.escalate_at == paris(2026, 11, 23, 9, 30)
    assert str(result.clause) == "Art. 3.2 — Surveillance comprenant"


def test_an_escalation_falling_after_closing_waits_for_the_next_opening() -> None:
    assert alert_dispatch(paris(2026, 11, 20, 17, 29), "disk", True, PACK).escalate_at == paris(
        2026, 11, 20, 17, 59
    )
    late = alert_dispatch(paris(2026, 11, 20, 17, 30), "disk", True, PACK)
    assert late.send_at == paris(2026, 11, 20, 17, 30)
    assert late.escalate_at == paris(2026, 11, 23, 9, 0)


def test_at_1800_friday_a_disk_alert_waits_until_monday() -> None:
    result = alert_dispatch(paris(2026, 11, 20, 18, 0), "disk", True, PACK)
    assert result.send_at == paris(2026, 11, 23, 9, 0)


def test_holidays_are_hno() -> None:
    result = alert_dispatch(paris(2026, 7, 14, 10, 0), "smtp", True, PACK)
    assert result.send_at == paris(2026, 7, 15, 9, 0)


def test_under_1_0_the_national_calendar_applies_whatever_the_seat() -> None:
    # 1.0 named the client's site, never recorded: its calendar stays the national one, so
    # 26 December is a working day even for a provider seated in Moselle (1.1 follows the
    # seat: test_managed_hosting_office_hours_follow_the_provider.py).
    moselle = office_calendar(PACK, "57")
    result = alert_dispatch(paris(2025, 12, 26, 10, 0), "smtp", True, PACK, moselle)
    assert result.send_at == paris(2025, 12, 26, 10, 0)
    assert not result.deferred


def test_deferred_alerts_open_at_0900_paris_after_the_dst_weekend() -> None:
    result = alert_dispatch(paris(2026, 3, 28, 12, 0), "swap", True, PACK)
    assert result.send_at == paris(2026, 3, 30, 9, 0)
    assert result.send_at.utcoffset() == timedelta(0)
    assert result.send_at.hour == 7  # 09:00 CEST is 07:00 UTC
