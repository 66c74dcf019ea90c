"""Two engineers answer the same new ticket at the same instant: two messages, one
acknowledgement (a conditional UPDATE), on PostgreSQL with real concurrent transactions."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from django.db import connection, connections

from clausier.support.models import Channel, Ticket, TicketMessage
from clausier.support.services import tickets
from tests.support.builders import support_world

NOW = datetime(2026, 1, 6, 9, tzinfo=UTC)


def _open(w):
    return tickets.open_ticket(
        now=NOW,
        client=w["client"],
        subject="Lent",
        body="Le site est lent.",
        channel=Channel.PORTAL,
        actor=w["admin"],
    )


@pytest.mark.django_db
def test_a_second_acknowledgement_changes_nothing():
    w = support_world()
    ticket = _open(w)
    assert tickets.acknowledge(ticket=ticket, actor=w["engineer"], at=NOW)
    stale = Ticket.objects.get(pk=ticket.pk)
    stale.acknowledged_at = None  # a copy read before the first acknowledgement
    assert not tickets.acknowledge(ticket=stale, actor=w["engineer2"], at=NOW)
    assert Ticket.objects.get(pk=ticket.pk).acknowledged_by == w["engineer"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_replies_acknowledge_once():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (DATABASE_URL)")
    w = support_world()
    ticket = _open(w)
    barrier = threading.Barrier(2)
    errors: list[str] = []

    def reply(engineer) -> None:
        try:
            copy = Ticket.objects.get(pk=ticket.pk)
            barrier.wait()
            tickets.post_message(
                now=NOW, ticket=copy, body="Je prends.", channel=Channel.PORTAL, actor=engineer
            )
        except Exception as exc:  # any error is the bug this test hunts
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=reply, args=(w[k],)) for k in ("engineer", "engineer2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert TicketMessage.objects.filter(ticket=ticket).count() == 3
    acknowledged = Ticket.objects.get(pk=ticket.pk)
    assert acknowledged.acknowledged_at == NOW
    assert acknowledged.acknowledged_by in (w["engineer"], w["engineer2"])
