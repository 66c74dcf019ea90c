"""Advice time (art. 3.4): 30 minutes per managed server per month, cumulative."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.core.errors import DomainError
from clausier.support.clock import months_started
from clausier.support.services import advice
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def test_unused_time_carries_over_and_overuse_shows_negative():
    w = support_world()
    server = w["server"]
    # Contract from 2026-01-05: January, February and March started on 2026-03-10.
    march = datetime(2026, 3, 10, 10, tzinfo=UTC)
    advice.log_advice(now=march, server=server, actor=w["engineer"], minutes=70)
    balance = advice.balance_of(server, march)
    assert balance.earned == timedelta(minutes=90)
    assert balance.balance == timedelta(minutes=20)
    advice.log_advice(now=march, server=server, actor=w["engineer"], minutes=40)
    assert advice.balance_of(server, march).balance == timedelta(minutes=-20)
    assert "3.4" in str(balance.clause)


def test_only_staff_log_advice_and_sessions_are_bounded():
    w = support_world()
    now = datetime(2026, 1, 6, 10, tzinfo=UTC)
    with pytest.raises(DomainError):
        advice.log_advice(now=now, server=w["server"], actor=w["admin"], minutes=10)
    with pytest.raises(DomainError):
        advice.log_advice(now=now, server=w["server"], actor=w["engineer"], minutes=0)


@pytest.mark.parametrize(
    ("since", "on", "months"),
    [
        ((2026, 1, 5), (2026, 1, 4), 0),
        ((2026, 1, 5), (2026, 1, 5), 1),
        ((2026, 1, 5), (2026, 2, 4), 1),
        ((2026, 1, 5), (2026, 2, 5), 2),
        ((2026, 1, 31), (2026, 2, 28), 2),
    ],
)
def test_months_started_counts_the_day_before_of_and_after(since, on, months):
    from datetime import date

    assert months_started(date(*since), date(*on)) == months
