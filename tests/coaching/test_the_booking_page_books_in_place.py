"""Booking a free slot with and without JavaScript (docs/portal.md "HTMX"): htmx posts the
slot and gets the list back without it, with the outcome and a link to the session; a
plain form post is redirected to the session as before. A slot that is no longer free, or
a forged one, is refused in the list (never a 500): the same `services.book_session`
(art. 7, the plan's allowance) either way."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.coaching.models import AvailabilityException, CoachingSession, WeeklySlot
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
HX = {"HTTP_HX_REQUEST": "true"}


def _world():
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    WeeklySlot.objects.filter(coach=w.coach).delete()
    day = (now + timedelta(days=5)).astimezone(PARIS).date()
    first = datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=first, ends_at=first + timedelta(hours=2), available=True
    )
    return w, first


def _slot(w, first: datetime, **extra: str) -> dict[str, str]:
    data = {
        "coach": str(w.coach.pk),
        "starts_at": first.isoformat(),
        "subscription": str(w.subscription.pk),
    }
    data.update(extra)
    return data


def test_htmx_books_a_slot_and_gets_the_list_without_it(client):
    w, first = _world()
    client.force_login(w.members[0])
    page = client.get("/seances/reserver/").content.decode()
    assert page.count('class="book"') == 2 and 'hx-post="/seances/reserver/"' in page
    answer = client.post("/seances/reserver/", _slot(w, first), **HX)
    assert answer.status_code == 200
    html = answer.content.decode()
    session = CoachingSession.objects.get()
    assert session.starts_at == first
    assert "<html" not in html and 'id="slots"' in html
    assert "Séance réservée" in html and f'href="/seances/{session.pk}/"' in html
    assert html.count('class="book"') == 1  # the slot taken is gone
    assert "HX-Request" in answer["Vary"]


def test_a_slot_taken_meanwhile_is_refused_in_the_list(client):
    w, first = _world()
    client.force_login(w.members[0])
    client.post("/seances/reserver/", _slot(w, first), **HX)
    again = client.post("/seances/reserver/", _slot(w, first), **HX)
    assert again.status_code == 200
    assert 'class="error"' in again.content.decode()
    assert CoachingSession.objects.count() == 1


@pytest.mark.parametrize(
    "forged",
    [
        {"coach": "abc"},
        {"coach": "²"},
        {"coach": "99999999999999999999999"},
        {"starts_at": "demain"},
        {"starts_at": "2026-13-45T09:00:00+01:00"},
        {"starts_at": "2026-03-10T09:00:00"},  # no offset
        {"subscription": ""},
    ],
)
def test_a_forged_slot_is_a_message_not_an_error(client, forged):
    w, first = _world()
    client.force_login(w.members[0])
    answer = client.post("/seances/reserver/", _slot(w, first, **forged), **HX)
    assert answer.status_code == 200
    assert "Choisissez un créneau proposé." in answer.content.decode()
    plain = client.post("/seances/reserver/", _slot(w, first, **forged), follow=True)
    assert plain.status_code == 200
    assert "Choisissez un créneau proposé." in plain.content.decode()
    assert not CoachingSession.objects.exists()


def test_without_javascript_the_form_posts_and_redirects_to_the_session(client):
    w, first = _world()
    client.force_login(w.members[0])
    answer = client.post("/seances/reserver/", _slot(w, first))
    session = CoachingSession.objects.get()
    assert answer.status_code == 302 and answer["Location"] == f"/seances/{session.pk}/"
