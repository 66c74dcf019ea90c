"""The coaching calendar in a real headless Chromium (issue 14): a coach reads the week
with a booked session, goes to the next week, back to today, opens a day; a collaborator
books a free slot from the calendar; at 390 px the week is a list of days that does not
scroll sideways; the month shows the sessions and the free slots to book from the day."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.coaching import services
from clausier.coaching.models import AvailabilityException, CoachingSession, WeeklySlot
from tests.browser.test_pages_are_accessible import _check
from tests.browser.test_pages_are_accessible import axe_source as axe_source
from tests.browser.test_portal_in_a_browser import Page
from tests.coaching.builders import coaching_world
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def _monday(day: Any) -> Any:
    return day - timedelta(days=day.weekday())


def test_a_coach_browses_weeks_and_a_collaborator_books_from_the_calendar(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    member = w.members[0]
    # Openings next week only (no weekly hours: what the calendar shows is exact).
    WeeklySlot.objects.filter(coach=w.coach).delete()
    today = now.astimezone(PARIS).date()
    next_monday = _monday(today) + timedelta(days=7)
    wednesday = next_monday + timedelta(days=2)
    opens = datetime(wednesday.year, wednesday.month, wednesday.day, 9, tzinfo=PARIS)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=opens, ends_at=opens + timedelta(hours=2), available=True
    )
    booked = services.book_session(
        now=now, actor=member, subscription=w.subscription, coach=w.coach, starts_at=opens
    )

    page.log_in(w.coach.person.email, PASSWORD)
    page.open("/agenda/")
    assert "Aucune séance ni créneau libre sur cette période" in page.text()
    screenshot("coach calendar, an empty week")
    page.navigates(page.find("a.next").click)
    text = page.text()
    assert f"vue=week&date={(today + timedelta(days=7)).isoformat()}" in page.driver.current_url
    assert "Boulangerie" in text  # the session's client
    sessions = page.driver.find_elements("css selector", ".entry.session")
    assert len(sessions) == 1
    assert "09:00–10:00" in sessions[0].text
    assert "10:00–11:00 · libre" in text
    screenshot("coach calendar, next week with a session and a free slot")
    page.navigates(page.find(f"#day-{wednesday.isoformat()} a").click)
    assert page.driver.find_elements("css selector", ".agenda-day") != []
    assert len(page.driver.find_elements("css selector", ".agenda-day")) == 1
    page.navigates(page.find("a.today").click)
    assert f"date={today.isoformat()}" in page.driver.current_url
    page.log_out()

    page.log_in(member.email, PASSWORD)
    page.open(f"/agenda/?vue=week&date={wednesday.isoformat()}")
    mine = page.driver.find_elements("css selector", ".entry.session.mine")
    assert len(mine) == 1
    page.navigates(page.find(".entry.free button.book").click)
    assert "Séance réservée" in page.text(".messages")
    second = CoachingSession.objects.exclude(pk=booked.pk).get()
    assert second.starts_at == opens + timedelta(hours=1)
    page.open(f"/agenda/?vue=week&date={wednesday.isoformat()}")
    assert len(page.driver.find_elements("css selector", ".entry.session.mine")) == 2
    assert page.driver.find_elements("css selector", ".entry.free") == []

    size = page.driver.get_window_size()
    page.driver.set_window_size(390, size["height"])
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    # A list of days on a phone, seven columns on a wide screen.
    display = "return getComputedStyle(document.querySelector('.agenda-days')).display"
    assert page.driver.execute_script(display) == "block"
    screenshot("collaborator calendar at 390 px")
    page.driver.set_window_size(1280, size["height"])
    assert page.driver.execute_script(display) == "grid"
    page.driver.set_window_size(size["width"], size["height"])


def test_the_month_lists_sessions_and_leads_to_the_day_to_book(
    page: Page, screenshot: Callable[[str], Path], axe_source: str
) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    member = w.members[0]
    WeeklySlot.objects.filter(coach=w.coach).delete()
    today = now.astimezone(PARIS).date()
    # Two days ahead (still within the month view of today, or the next one).
    day = today + timedelta(days=2)
    opens = datetime(day.year, day.month, day.day, 14, tzinfo=PARIS)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=opens, ends_at=opens + timedelta(hours=3), available=True
    )
    services.book_session(
        now=now, actor=member, subscription=w.subscription, coach=w.coach, starts_at=opens
    )
    page.log_in(member.email, PASSWORD)
    page.open(f"/agenda/?vue=month&date={day.isoformat()}")
    cell = page.find(f"#day-{day.isoformat()}").find_element("xpath", "..")
    assert "14:00" in cell.text
    assert "2 créneaux libres" in cell.text
    screenshot("collaborator month")
    size = page.driver.get_window_size()
    page.driver.set_window_size(390, size["height"])
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    display = "return getComputedStyle(document.querySelector('.agenda-days')).display"
    assert page.driver.execute_script(display) == "block"
    screenshot("collaborator month at 390 px")
    _check(page, axe_source, [f"/agenda/?vue=month&date={day.isoformat()}"])
    page.driver.set_window_size(size["width"], size["height"])
    assert page.driver.execute_script(display) == "grid"
    cell = page.find(f"#day-{day.isoformat()}").find_element("xpath", "..")  # reloaded by axe
    page.navigates(cell.find_element("css selector", ".entry.free a").click)
    assert f"vue=day&date={day.isoformat()}" in page.driver.current_url
    assert len(page.driver.find_elements("css selector", ".entry.free button.book")) == 2
