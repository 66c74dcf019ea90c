"""Booking races on PostgreSQL: two collaborators and one slot, one collaborator and two
coaches at once, two collaborators and the last session of the period. Exactly one wins.
The last test removes the locks and shows the race is real without them."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, connections

from clausier.coaching import booking, ledger
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import CoachingSession, Participant
from tests.coaching.builders import coaching_world, make_coach

pytestmark = pytest.mark.django_db(transaction=True)
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
TUESDAY_10 = datetime(2027, 3, 16, 9, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("real concurrent transactions need PostgreSQL (DATABASE_URL)")


def race(*attempts: Callable[[], object]) -> list[str]:
    barrier = threading.Barrier(len(attempts))
    outcomes: list[str] = []

    def run(attempt: Callable[[], object]) -> None:
        barrier.wait()
        try:
            attempt()
            outcomes.append("ok")
        except CoachingError as exc:
            outcomes.append(exc.code)
        except Exception as exc:  # an IntegrityError or a deadlock would be the bug
            outcomes.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(a,)) for a in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sorted(outcomes)


def test_two_collaborators_one_slot():
    w = coaching_world(ORDERED, PAID)
    a, b = w.members
    outcomes = race(
        *[
            lambda p=p: booking.book(
                now=NOW, actor=p, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
            )
            for p in (a, b)
        ]
    )
    assert outcomes == ["ok", "slot_taken"]
    assert CoachingSession.objects.count() == 1
    assert ledger.allowance(w.subscription, NOW, NOW).remaining == 11


def _two_coaches(w, member):
    other = make_coach(w.provider)
    return [
        lambda c=c: booking.book(
            now=NOW, actor=member, subscription=w.subscription, coach=c, starts_at=TUESDAY_10
        )
        for c in (w.coach, other)
    ]


def test_one_collaborator_two_coaches_at_once():
    w = coaching_world(ORDERED, PAID)
    assert race(*_two_coaches(w, w.members[0])) == ["ok", "slot_taken"]
    assert Participant.objects.filter(person=w.members[0]).count() == 1


def test_two_collaborators_the_last_session():
    w = coaching_world(ORDERED, PAID, allowance=1)
    a, b = w.members
    outcomes = race(
        lambda: booking.book(
            now=NOW, actor=a, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
        ),
        lambda: booking.book(
            now=NOW,
            actor=b,
            subscription=w.subscription,
            coach=w.coach,
            starts_at=TUESDAY_10 + timedelta(hours=1),
        ),
    )
    assert outcomes == ["allowance_exhausted", "ok"]
    assert ledger.allowance(w.subscription, NOW, NOW).remaining == 0


def test_without_the_locks_one_collaborator_is_booked_twice(monkeypatch):
    w = coaching_world(ORDERED, PAID)
    barrier = threading.Barrier(2)
    checked = booking._check_free

    def check_then_wait(*args, **kwargs):
        checked(*args, **kwargs)
        barrier.wait(timeout=10)  # both have checked before either writes

    monkeypatch.setattr(booking, "_lock", lambda *args: None)
    monkeypatch.setattr(booking, "_check_free", check_then_wait)
    assert race(*_two_coaches(w, w.members[0])) == ["ok", "ok"]
    assert Participant.objects.filter(person=w.members[0]).count() == 2
