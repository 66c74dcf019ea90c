"""Art. 6 and 11: during a downtime alerts are suppressed; a problem still present at
its end is notified then (and escalated 30 minutes later)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import Escalation
from clausier.monitoring.services.operations import end_downtimes, escalate_due, schedule_downtime
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world

CRIT, OK = State.CRITICAL, State.OK
MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def alerts():
    return OutboxMessage.objects.filter(template="monitoring_alert")


def window(world, minutes=60):
    return schedule_downtime(
        world.server,
        starts_at=MONDAY_10,
        ends_at=MONDAY_10 + timedelta(minutes=minutes),
        reason="Mise à jour du noyau",
        now=MONDAY_10 - timedelta(days=1),
        author=world.engineer,
    )


@pytest.mark.django_db
def test_problem_during_downtime_is_not_alerted_and_is_notified_at_its_end():
    world = monitoring_world(MONDAY_10)
    http = world.service("HTTP")
    downtime = window(world)
    feed(http, [OK, CRIT, CRIT, CRIT], MONDAY_10 + timedelta(minutes=5))
    assert not alerts().exists() and not Escalation.objects.exists()
    assert end_downtimes(downtime.ends_at - timedelta(seconds=1)) == 0
    end = downtime.ends_at
    assert end_downtimes(end) == 1
    assert alerts().count() == 3
    assert end_downtimes(end + timedelta(minutes=1)) == 0  # processed once
    escalation = Escalation.objects.get()
    assert escalation.due_at == end + timedelta(minutes=30)
    assert escalate_due(end + timedelta(minutes=30)) == 1


@pytest.mark.django_db
def test_problem_over_before_the_end_of_the_downtime_is_never_alerted():
    world = monitoring_world(MONDAY_10)
    http = world.service("HTTP")
    downtime = window(world)
    last = feed(http, [OK, CRIT, CRIT, CRIT], MONDAY_10 + timedelta(minutes=5))
    feed(http, [OK], last + timedelta(minutes=5))
    end_downtimes(downtime.ends_at)
    assert not alerts().exists()


@pytest.mark.django_db
def test_downtimes_are_validated():
    world = monitoring_world(MONDAY_10)
    with pytest.raises(MonitoringError):
        schedule_downtime(
            world.server,
            starts_at=MONDAY_10,
            ends_at=MONDAY_10,
            reason="x",
            now=MONDAY_10 - timedelta(hours=1),
        )
    with pytest.raises(MonitoringError):
        schedule_downtime(
            world.server,
            starts_at=MONDAY_10 - timedelta(hours=2),
            ends_at=MONDAY_10 - timedelta(hours=1),
            reason="x",
            now=MONDAY_10,
        )
    with pytest.raises(MonitoringError):
        schedule_downtime(
            world.server,
            starts_at=MONDAY_10,
            ends_at=MONDAY_10 + timedelta(hours=1),
            reason=" ",
            now=MONDAY_10,
        )
