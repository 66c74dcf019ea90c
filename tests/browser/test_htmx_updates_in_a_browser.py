"""Partial updates with htmx in a real headless Chromium at 390 px (issue 16, docs/portal.md
"HTMX"): each converted journey updates its part of the page without a reload — a marker
set on `window` before the action is still there after it, and the page's load time stamp
(`clausierPageLoadedAt`, portal.js) has not changed. Without JavaScript: the ticket reply
here with Chromium's scripts switched off, and every converted form through the Django
test client in each app's tests (plain posts and redirects)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from clausier.accounts.models import ServiceLine
from clausier.coaching.models import AvailabilityException, CoachingSession, WeeklySlot
from clausier.monitoring.models import Acknowledgement
from clausier.probes.result import State
from clausier.support.services import tickets
from tests.billing.builders import billing_world
from tests.browser.test_portal_in_a_browser import Page
from tests.coaching.builders import coaching_world
from tests.helpers import PASSWORD, make_client
from tests.monitoring.helpers import feed, monitoring_world
from tests.support.builders import support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PARIS = ZoneInfo("Europe/Paris")
# The board refreshes every 30 s: wait a little longer for the refresh to come.
REFRESH_WAIT = 45


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    browser.set_window_size(390, 900)
    return Page(browser, live_server.url)


def mark(page: Page) -> float:
    """Put a marker on the current document; returns its load time stamp."""
    page.wait.until(lambda d: d.execute_script("return !!window.htmx"), "htmx is not loaded")
    page.driver.execute_script("window.clausierMarker = 'kept'")
    return float(page.driver.execute_script("return window.clausierPageLoadedAt"))


def not_reloaded(page: Page, loaded_at: float) -> None:
    assert page.driver.execute_script("return window.clausierMarker") == "kept", "page reloaded"
    assert page.driver.execute_script("return window.clausierPageLoadedAt") == loaded_at


def fits(page: Page) -> None:
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    ), f"{page.path()} scrolls sideways at 390 px"


def until_text(page: Page, text: str, css: str = "main", seconds: int = 15) -> None:
    WebDriverWait(page.driver, seconds).until(
        lambda d: text in page.text(css), f"{text!r} never appeared in {css}"
    )


def test_the_problems_board_acknowledges_and_refreshes_in_place(page: Page) -> None:
    start = timezone.now() - timedelta(hours=1)
    world = monitoring_world(start)
    feed(world.service("HTTP"), [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)
    page.log_in(world.engineer.email, PASSWORD)
    page.open("/supervision/problemes/")
    loaded_at = mark(page)
    assert "1 problème non traité" in page.text()

    # Art. 3.2: the acknowledgement stops the escalation; the list comes back in place.
    page.find("section.problem input[name=comment]").send_keys("Apache redémarré")
    page.find("section.problem button[type=submit]").click()
    until_text(page, "0 problème", "#board")
    assert "Apache redémarré" in page.text("#board")
    assert "l'escalade est arrêtée" in page.text("#board-message")
    assert Acknowledgement.objects.get().author == world.engineer
    not_reloaded(page, loaded_at)
    fits(page)

    # A new problem appears at the next 30-second refresh, still without a reload.
    other = world.server.services.exclude(name="HTTP").first()
    feed(other, [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)
    until_text(page, "1 problème non traité", "#board", REFRESH_WAIT)
    assert other.name in page.text("#board")
    not_reloaded(page, loaded_at)


def test_the_staff_client_search_filters_and_pages_in_place(page: Page) -> None:
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    for n in range(30):
        make_client(w["provider"], f"Zeta{n:02d}")
    make_client(w["provider"], "Fromagerie")
    page.log_in(w["accountant"].email, PASSWORD)
    page.open("/espace/clients/")
    loaded_at = mark(page)
    assert "Fromagerie" in page.text("#client-results")  # 32 clients, unfiltered
    page.find("#id_q").send_keys("zeta")  # search as one types, no submit
    page.wait.until(
        lambda d: "Fromagerie" not in page.text("#client-results"), "the list was not filtered"
    )
    assert "Page 1 sur 2" in page.text("#client-results")
    page.wait.until(lambda d: "q=zeta" in d.current_url, "the address did not follow")
    page.find("#client-results a[href*='page=2']").click()
    until_text(page, "Page 2 sur 2", "#client-results")
    assert page.text("#client-results").count("Zeta") == 5
    not_reloaded(page, loaded_at)
    fits(page)
    # The address is the page's own: opened afresh it gives the same results.
    page.open(page.path())
    assert "Page 2 sur 2" in page.text() and page.find("#id_q").get_attribute("value") == "zeta"


def test_a_ticket_reply_comes_back_in_place(page: Page) -> None:
    w = support_world()
    ticket = tickets.open_ticket(
        now=timezone.now(),
        client=w["client"],
        subject="Le site est lent",
        body="Depuis 8 h.",
        channel="portal",
        actor=w["admin"],
    )
    page.log_in(w["engineer"].email, PASSWORD)
    page.open(f"/support/tickets/{ticket.pk}/")
    loaded_at = mark(page)
    assert "prise en compte le" not in page.text("#ticket-clock")
    page.fill({"reply-body": "Nous redémarrons PHP-FPM."})
    page.find("form#reply button[type=submit]").click()
    until_text(page, "Nous redémarrons PHP-FPM.", "#conversation")
    until_text(page, "prise en compte le", "#ticket-clock")  # art. 5, out of band
    assert page.find("#reply-body").get_attribute("value") == ""
    not_reloaded(page, loaded_at)
    fits(page)


def test_a_collaborator_books_a_slot_in_place(page: Page) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    WeeklySlot.objects.filter(coach=w.coach).delete()
    day = (now + timedelta(days=5)).astimezone(PARIS).date()
    first = datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=first, ends_at=first + timedelta(hours=2), available=True
    )
    page.log_in(w.members[0].email, PASSWORD)
    page.open("/seances/reserver/")
    loaded_at = mark(page)
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "button.book")) == 2
    page.find("button.book").click()
    until_text(page, "Séance réservée", "#slots")
    session = CoachingSession.objects.get()
    assert session.starts_at == first
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "button.book")) == 1
    not_reloaded(page, loaded_at)
    fits(page)
    page.navigates(page.find("#booking-message a").click)
    assert page.path() == f"/seances/{session.pk}/"


def test_without_javascript_the_same_forms_post_and_load_pages(page: Page) -> None:
    """Progressive enhancement in the browser itself: scripts off (Chromium's own switch),
    the reply and the booking are plain form posts that load the next page."""
    w = support_world()
    ticket = tickets.open_ticket(
        now=timezone.now(),
        client=w["client"],
        subject="Le site est lent",
        body="Depuis 8 h.",
        channel="portal",
        actor=w["admin"],
    )
    page.log_in(w["engineer"].email, PASSWORD)
    page.driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    page.open(f"/support/tickets/{ticket.pk}/")
    assert page.driver.execute_script("return typeof window.htmx") == "undefined"
    page.fill({"reply-body": "Réponse sans JavaScript."})
    page.submit("form#reply")  # waits for a new document: a real reload
    assert page.path() == f"/support/tickets/{ticket.pk}/"
    assert "Réponse sans JavaScript." in page.text("#conversation")
    assert "prise en compte le" in page.text("#ticket-clock")
