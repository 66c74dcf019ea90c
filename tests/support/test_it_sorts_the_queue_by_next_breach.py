"""The staff queue: running clocks by deadline, then paused tickets, then acknowledged
ones; closed tickets out; filters by client, server and engineer; other providers' never."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.support.models import Channel, TicketStatus
from clausier.support.selectors import staff_queue
from clausier.support.services import tickets
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
MONDAY = datetime(2026, 1, 5, 9, tzinfo=UTC)


def test_next_breach_first():
    w = support_world()
    other = support_world()

    def ticket(subject: str, hours: int, **kwargs):
        return tickets.open_ticket(
            now=MONDAY + timedelta(hours=hours),
            client=w["client"],
            subject=subject,
            body="b",
            channel=Channel.PORTAL,
            **kwargs,
        )

    later = ticket("later", 3)
    ticket("sooner", 1, server=w["server"])
    paused = ticket("paused", 0)
    tickets.change_status(
        now=datetime(2026, 1, 6, 12, tzinfo=UTC),
        ticket=paused,
        actor=w["engineer"],
        status=TicketStatus.WAITING_CLIENT,
    )
    answered = ticket("answered", 0)
    tickets.acknowledge(ticket=answered, actor=w["engineer"], at=MONDAY)
    closed = ticket("closed", 0)
    tickets.change_status(
        now=datetime(2026, 1, 6, 12, tzinfo=UTC),
        ticket=closed,
        actor=w["engineer"],
        status=TicketStatus.CLOSED,
    )
    tickets.assign(ticket=later, actor=w["engineer"], engineer=w["engineer2"])
    tickets.open_ticket(
        now=MONDAY, client=other["client"], subject="elsewhere", body="b", channel=Channel.PORTAL
    )
    queue = [t.subject for t in staff_queue(w["engineer"])]
    assert queue == ["sooner", "later", "paused", "answered"]
    assert [t.subject for t in staff_queue(w["engineer"], server_id=w["server"].pk)] == ["sooner"]
    assert [t.subject for t in staff_queue(w["engineer"], assignee_id=w["engineer2"].pk)] == [
        "later"
    ]
    assert [t.subject for t in staff_queue(w["engineer"], limit=2)] == ["sooner", "later"]
    assert staff_queue(w["admin"]) == []
