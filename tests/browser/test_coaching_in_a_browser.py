"""A collaborator's coaching journey in a real headless Chromium: sees the allowance,
books a slot, postpones it 48 hours ahead (free, art. 10.1), sees the allowance move,
and opens a session's room, whose page carries a JaaS token for that room."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import jwt
import pytest
from django.utils import timezone

from clausier.coaching import services
from clausier.coaching.models import AvailabilityException, CoachingSession, JaasConfig, WeeklySlot
from tests.browser.test_portal_in_a_browser import Page
from tests.coaching.builders import coaching_world
from tests.coaching.keys import APP_ID, KEY_ID, WEBHOOK_SECRET, key_pair
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def _opening(coach: Any, starts_at: datetime, hours: int) -> None:
    AvailabilityException.objects.create(
        coach=coach, starts_at=starts_at, ends_at=starts_at + timedelta(hours=hours), available=True
    )


def test_a_collaborator_books_postpones_and_joins(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    member = w.members[0]
    JaasConfig.objects.create(
        provider=w.provider,
        app_id=APP_ID,
        key_id=KEY_ID,
        private_key=key_pair()[0],
        webhook_secret=WEBHOOK_SECRET,
    )
    # The coach opens two slots five days ahead (no weekly slots: the list is exact).
    WeeklySlot.objects.filter(coach=w.coach).delete()
    day = (now + timedelta(days=5)).astimezone(PARIS).date()
    first = datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
    _opening(w.coach, first, 2)

    page.log_in(member.email, PASSWORD)
    page.open("/seances/")
    assert "12 séance(s) restante(s) sur 12" in page.text()
    assert "Aucune séance prévue" in page.text()
    screenshot("coaching home, nothing booked")

    page.open("/seances/reserver/")
    # htmx books in place: the outcome and a link to the session, no reload.
    page.updates_in_place(page.find("button.book").click, "#slots", "Séance réservée")
    assert (
        page.find("#booking-message a")
        .get_attribute("href")
        .endswith(f"/seances/{CoachingSession.objects.get().pk}/")
    )
    booked = CoachingSession.objects.get()
    assert booked.starts_at == first
    page.open("/seances/")
    assert "11 séance(s) restante(s) sur 12" in page.text()
    screenshot("one session booked")

    page.open(f"/seances/{booked.pk}/")
    page.navigates(page.find("button.postpone").click)
    assert "Séance reportée" in page.text(".messages")
    moved = CoachingSession.objects.get(replaces=booked)
    assert moved.starts_at == first + timedelta(hours=1)
    assert moved.ical_sequence == 1  # the same invitation, moved
    page.open("/seances/")
    text = page.text()
    assert "11 séance(s) restante(s) sur 12" in text  # returned in time, booked again
    assert "1 réservée(s), 0 tenue(s), 0 consommée(s)" in text
    width = page.driver.get_window_size()
    page.driver.set_window_size(390, width["height"])
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    page.driver.set_window_size(width["width"], width["height"])
    screenshot("postponed, allowance unchanged")

    # A session starting in five minutes: its room is open.
    soon = timezone.now().replace(second=0, microsecond=0) + timedelta(minutes=5)
    _opening(w.coach, soon, 1)
    session = services.book_session(
        now=timezone.now(), actor=member, subscription=w.subscription, coach=w.coach, starts_at=soon
    )
    page.open(f"/seances/{session.pk}/salle/")
    room = page.find("#jaas-room")
    token = room.get_attribute("data-jwt")
    assert room.get_attribute("data-room") == f"{APP_ID}/{session.room_name}"
    claims = jwt.decode(token, key_pair()[1], algorithms=["RS256"], audience="jitsi", issuer="chat")
    assert claims["room"] == session.room_name
    assert claims["context"]["user"]["email"] == member.email
    assert claims["context"]["user"]["moderator"] == "false"
    screenshot("the room page")


def test_a_collaborator_chats_in_the_session_and_loses_access_after_the_window(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    member = w.members[0]
    WeeklySlot.objects.filter(coach=w.coach).delete()
    day = (now + timedelta(days=5)).astimezone(PARIS).date()
    first = datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
    _opening(w.coach, first, 1)
    session = services.book_session(
        now=now, actor=member, subscription=w.subscription, coach=w.coach, starts_at=first
    )
    page.log_in(member.email, PASSWORD)
    page.open(f"/seances/{session.pk}/")
    page.navigates(page.find("#session-chat").click)
    assert "Pas encore de message dans le chat." in page.text()
    page.find("#chat-body").send_keys("Je prépare mes trois questions.")
    page.navigates(page.find("#chat button").click)
    assert "Je prépare mes trois questions." in page.text("#chat")
    width = page.driver.get_window_size()
    page.driver.set_window_size(390, width["height"])
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    page.driver.set_window_size(width["width"], width["height"])
    screenshot("the session's chat")

    # The subscription ended more than two months ago (art. 7.2.2): the pages say so.
    ended = (now - timedelta(days=70)).date()
    type(w.subscription).objects.filter(pk=w.subscription.pk).update(end_date=ended)
    page.open("/seances/")
    text = page.text()
    assert "Accès terminé" in text and "7.2.2" in text
    screenshot("access ended")
