"""The demo's coaching: two coaches with weekly hours, enrolled people, sessions booked
through the services and one cancelled in time; once only."""

from __future__ import annotations

import pytest

from clausier.coaching import ledger
from clausier.coaching.models import Coach, CoachingSession, SessionStatus, WeeklySlot
from clausier.demo.data import load_demo

pytestmark = pytest.mark.django_db


def test_the_demo_books_sessions_once_and_the_allowance_shows_them(client):
    logins = load_demo()
    load_demo()
    assert "coach2@kestio.example" in {login.email for login in logins}
    assert Coach.objects.count() == 2 and WeeklySlot.objects.count() == 20
    sessions = CoachingSession.objects.order_by("pk")
    assert [s.status for s in sessions] == [
        SessionStatus.BOOKED,
        SessionStatus.BOOKED,
        SessionStatus.CANCELLED,
    ]
    assert sessions[2].change_in_time is True
    subscription = sessions[0].subscription
    now = sessions[0].created_at
    assert ledger.allowance(subscription, now, now).remaining == 10
    client.login(username="nina@studio-lambert.example", password="Clausier-demo-2026")
    page = client.get("/seances/")
    assert page.status_code == 200
    assert str(sessions[0].coach.person.first_name) in page.content.decode()
