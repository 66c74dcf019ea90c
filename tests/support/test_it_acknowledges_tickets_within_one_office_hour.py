"""A ticket is acknowledged within 1 office hour (art. 5): Mon-Fri 9-18 at the provider's
seat, its holidays closed; only the provider's first human public reply counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.core.errors import DomainError
from clausier.support.models import Channel, TicketStatus
from clausier.support.services import tickets
from tests.helpers import make_client, make_client_user
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def w():
    return support_world()


def open_at(w, now: datetime):
    return tickets.open_ticket(
        now=now,
        client=w["client"],
        subject="Disque plein",
        body="Le serveur web1 ne répond plus.",
        channel=Channel.PORTAL,
        actor=w["admin"],
        server=w["server"],
    )


def test_a_friday_evening_ticket_is_due_monday_morning(w):
    ticket = open_at(w, at(2026, 1, 9, 16, 30))  # Friday 17:30 Paris
    assert ticket.ack_due_at == at(2026, 1, 12, 8, 30)  # Monday 9:30 Paris
    assert "5" in ticket.ack_clause


def test_a_holiday_is_closed_and_dst_moves_utc(w):
    # Easter Monday 2026-04-06 is closed; the week before, Paris went to summer time.
    ticket = open_at(w, at(2026, 4, 3, 15, 30))  # Friday 17:30 CEST
    assert ticket.ack_due_at == at(2026, 4, 7, 7, 30)  # Tuesday 9:30 CEST


def test_the_day_before_and_after_a_dst_change(w):
    before = open_at(w, at(2026, 3, 27, 16, 45))  # Friday 17:45 CET
    assert before.ack_due_at == at(2026, 3, 30, 7, 45)  # Monday 9:45 CEST


def test_an_automatic_reply_or_an_internal_note_does_not_acknowledge(w):
    ticket = open_at(w, at(2026, 1, 6, 9))
    tickets.post_message(
        now=at(2026, 1, 6, 9, 5),
        ticket=ticket,
        body="Accusé automatique",
        channel=Channel.EMAIL,
        actor=w["engineer"],
        human=False,
    )
    tickets.post_message(
        now=at(2026, 1, 6, 9, 10),
        ticket=ticket,
        body="Voir le disque /var",
        channel=Channel.PORTAL,
        actor=w["engineer"],
        internal=True,
    )
    assert ticket.acknowledged_at is None
    clock = tickets.clock_of(ticket, at(2026, 1, 6, 10, 30))
    assert clock.breached and clock.late_by == timedelta(minutes=30)


def test_the_first_human_reply_acknowledges_and_shows_the_time_taken(w):
    ticket = open_at(w, at(2026, 1, 6, 9))  # 10:00 Paris
    tickets.post_message(
        now=at(2026, 1, 6, 9, 40),
        ticket=ticket,
        body="Nous regardons.",
        channel=Channel.PORTAL,
        actor=w["engineer"],
    )
    tickets.post_message(
        now=at(2026, 1, 6, 11),
        ticket=ticket,
        body="Encore nous.",
        channel=Channel.PORTAL,
        actor=w["engineer2"],
    )
    ticket.refresh_from_db()
    assert ticket.acknowledged_at == at(2026, 1, 6, 9, 40)
    assert ticket.acknowledged_by == w["engineer"]
    assert ticket.status == TicketStatus.OPEN
    clock = tickets.clock_of(ticket, at(2026, 1, 7, 12))
    assert clock.taken == timedelta(minutes=40) and not clock.breached


def test_a_reply_at_the_deadline_is_in_time_a_minute_after_is_late(w):
    ticket = open_at(w, at(2026, 1, 6, 9))
    clock = tickets.clock_of(ticket, at(2026, 1, 6, 10))
    assert not clock.breached
    assert tickets.clock_of(ticket, at(2026, 1, 6, 10, 1)).breached


def test_the_client_answering_reopens_a_waiting_ticket_an_auto_reply_does_not(w):
    ticket = open_at(w, at(2026, 1, 6, 9))
    tickets.change_status(
        now=datetime(2026, 1, 6, 12, tzinfo=UTC),
        ticket=ticket,
        actor=w["engineer"],
        status=TicketStatus.WAITING_CLIENT,
    )
    tickets.post_message(
        now=at(2026, 1, 6, 9, 30),
        ticket=ticket,
        body="Absent du bureau",
        channel=Channel.EMAIL,
        author_email="x@boulangerie.example",
        human=False,
    )
    assert ticket.status == TicketStatus.WAITING_CLIENT
    tickets.post_message(
        now=at(2026, 1, 6, 9, 40),
        ticket=ticket,
        body="Voici les journaux.",
        channel=Channel.PORTAL,
        actor=w["admin"],
    )
    assert ticket.status == TicketStatus.OPEN


def test_a_client_cannot_write_internal_notes_nor_reach_another_clients_ticket(w):
    ticket = open_at(w, at(2026, 1, 6, 9))
    with pytest.raises(DomainError):
        tickets.post_message(
            now=at(2026, 1, 6, 9, 5),
            ticket=ticket,
            body="x",
            channel=Channel.PORTAL,
            actor=w["admin"],
            internal=True,
        )
    stranger = make_client_user(make_client(w["provider"], "Autre"))
    with pytest.raises(DomainError):
        tickets.post_message(
            now=at(2026, 1, 6, 9, 5),
            ticket=ticket,
            body="x",
            channel=Channel.PORTAL,
            actor=stranger,
        )
