"""SMTP down while a problem goes HARD: the alert waits in the outbox and is delivered
exactly once when the server is back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import deliver_due
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world


@pytest.mark.django_db
def test_alerts_wait_for_smtp_and_go_out_once(smtp_server):
    start = timezone.now() - timedelta(minutes=10)
    world = monitoring_world(start)
    smtp_server.stop()
    feed(world.service("HTTP"), [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)
    now = timezone.now()
    counts = deliver_due(now)
    assert counts["sent"] == 0 and counts["retrying"] == 3
    assert smtp_server.messages == []
    smtp_server.start()
    later = now + timedelta(hours=2)
    assert deliver_due(later)["sent"] == 3
    assert deliver_due(later + timedelta(hours=1))["sent"] == 0
    assert len(smtp_server.messages) == 3
    assert set(OutboxMessage.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}
