"""The staff client page shows the client's coaching (issue 16, item 3): its coaching
subscriptions with the current period's allowance (art. 10.1: granted per annual period,
used, booked, remaining), its upcoming and past sessions, linked where the person may
open them (the owner; not the accountant); another client's sessions never; an empty
state saying what comes next; in FR, DE and EN."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from django.utils import timezone

from clausier.accounts.models import Role
from clausier.coaching import services
from clausier.coaching.models import CoachingSession
from clausier.coaching.overview import client_coaching
from tests.coaching.builders import coaching_world
from tests.helpers import make_client, make_staff

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
FRENCH = holidays.France()


def _working_day(start: date, step: int) -> date:
    """The first weekday from `start` (moving by `step` days) that is not a holiday."""
    day = start
    while day.weekday() >= 5 or day in FRENCH:
        day += timedelta(days=step)
    return day


def _nine(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)


def _book(w, member, starts_at: datetime) -> CoachingSession:
    return services.book_session(
        now=starts_at - timedelta(days=4),
        actor=member,
        subscription=w.subscription,
        coach=w.coach,
        starts_at=starts_at,
    )


@pytest.fixture
def world():
    now = timezone.now()
    w = coaching_world(now - timedelta(days=60), now - timedelta(days=59), members=1)
    today = now.astimezone(PARIS).date()
    w.past = _book(w, w.members[0], _nine(_working_day(today - timedelta(days=20), -1)))
    w.upcoming = _book(w, w.members[0], _nine(_working_day(today + timedelta(days=6), 1)))
    return w


def test_the_owner_sees_allowance_and_sessions_with_links(client, world):
    client.force_login(world.owner)
    page = client.get(f"/espace/clients/{world.client.pk}/").content.decode()
    card = page[page.index('id="coaching"') :]
    assert world.subscription.label in card
    assert "10 sur 12" in card  # two booked out of the period's twelve (art. 10.1)
    assert "Art. 10.1" in card or "art. 10.1" in card.lower()
    upcoming = card[card.index("Séances à venir") : card.index("Séances passées")]
    past = card[card.index("Séances passées") :]
    assert f'href="/seances/{world.upcoming.pk}/"' in upcoming
    assert f'href="/seances/{world.past.pk}/"' in past
    assert f"/seances/{world.past.pk}/" not in upcoming


def test_the_accountant_sees_the_sessions_without_links(client, world):
    accountant = make_staff(world.provider, Role.ACCOUNTANT)
    client.force_login(accountant)
    page = client.get(f"/espace/clients/{world.client.pk}/").content.decode()
    card = page[page.index('id="coaching"') :]
    assert "10 sur 12" in card and "Séances à venir" in card
    assert f"/seances/{world.upcoming.pk}/" not in card
    assert client.get(f"/seances/{world.upcoming.pk}/").status_code == 404


def test_another_clients_sessions_never_show(client, world):
    other = make_client(world.provider, "Fromagerie")
    client.force_login(world.owner)
    page = client.get(f"/espace/clients/{other.pk}/").content.decode()
    card = page[page.index('id="coaching"') :]
    assert f"/seances/{world.upcoming.pk}/" not in card
    assert world.subscription.label not in card
    assert "Aucun abonnement de coaching ni séance" in card  # the empty state


def test_a_client_member_or_another_provider_gets_no_page(client, world):
    client.force_login(world.members[0])
    assert client.get(f"/espace/clients/{world.client.pk}/").status_code == 404
    stranger = coaching_world(timezone.now() - timedelta(days=3))
    client.force_login(stranger.owner)
    assert client.get(f"/espace/clients/{world.client.pk}/").status_code == 404


@pytest.mark.parametrize(
    ("language", "upcoming", "remaining"),
    [
        ("fr", "Séances à venir", "10 sur 12"),
        ("de", "Kommende Sitzungen", "10 von 12"),
        ("en", "Upcoming sessions", "10 of 12"),
    ],
)
def test_the_coaching_card_speaks_three_languages(client, world, language, upcoming, remaining):
    world.owner.language = language
    world.owner.save(update_fields=["language"])
    client.force_login(world.owner)
    page = client.get(f"/espace/clients/{world.client.pk}/").content.decode()
    assert upcoming in page and remaining in page


def test_a_subscription_not_started_says_so(client):
    w = coaching_world(timezone.now() - timedelta(days=2), None, members=0)
    client.force_login(w.owner)
    page = client.get(f"/espace/clients/{w.client.pk}/").content.decode()
    assert "Pas encore commencé" in page


def test_a_session_is_upcoming_until_its_start_then_past(world):
    starts_at = world.upcoming.starts_at
    before = client_coaching(world.client, world.owner, starts_at - timedelta(seconds=1))
    at = client_coaching(world.client, world.owner, starts_at)
    after = client_coaching(world.client, world.owner, starts_at + timedelta(seconds=1))
    assert world.upcoming in before.upcoming and world.upcoming in at.upcoming
    assert world.upcoming not in at.past
    assert world.upcoming in after.past and world.upcoming not in after.upcoming
    assert {world.upcoming.pk, world.past.pk} <= before.openable


def test_a_cancelled_session_is_not_upcoming(world):
    now = timezone.now()
    services.cancel_session(now=now, actor=world.members[0], session=world.upcoming)
    overview = client_coaching(world.client, world.owner, now)
    assert world.upcoming.pk not in [s.pk for s in overview.upcoming]
    assert overview.subscriptions[0].allowance.remaining == 11  # returned in time (art. 10.1)
