"""Art. 7.2.4 in a real headless Chromium at 390 px (issue #14): a participant reports
that the coach did not come, from the session's page, within 24 hours after its end; the
provider's owner opens the reports page and upholds it with a reason; the seat is
credited back and the participant sees the decision."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.coaching import ledger, services
from clausier.coaching.models import AvailabilityException, CoachingSession, ProblemReport
from tests.browser.test_portal_in_a_browser import Page
from tests.coaching.builders import coaching_world
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def _fits(page: Page) -> bool:
    return bool(
        page.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
    )


def test_a_participant_reports_and_the_owner_upholds_at_390_px(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=10), now - timedelta(days=9), members=1)
    member = w.members[0]
    day = (now + timedelta(days=5)).astimezone(PARIS).date()
    slot = datetime(day.year, day.month, day.day, 9, tzinfo=PARIS)
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=slot, ends_at=slot + timedelta(hours=2), available=True
    )
    booked = services.book_session(
        now=now, actor=member, subscription=w.subscription, coach=w.coach, starts_at=slot
    )
    # The session took place: it ended half an hour ago (the report window is open).
    CoachingSession.objects.filter(pk=booked.pk).update(
        starts_at=now - timedelta(minutes=90), ends_at=now - timedelta(minutes=30)
    )
    before = ledger.allowance(w.subscription, now, now).remaining

    size = page.driver.get_window_size()
    page.driver.set_window_size(390, size["height"])
    try:
        page.log_in(member.email, PASSWORD)
        page.open(f"/seances/{booked.pk}/")
        card = page.text("#problem-report")
        assert "Signaler un problème" in card and "7.2.4" in card
        page.choose("#problem-report select[name=kind]", "coach_absent")
        page.find("#problem-report textarea[name=description]").send_keys("Personne en ligne.")
        page.navigates(page.find("#problem-report button[value=report]").click)
        assert "Problème signalé" in page.text(".messages")
        assert "à examiner" in page.text("#problem-report")
        assert _fits(page)
        screenshot("problem reported, 390 px")

        page.driver.delete_all_cookies()  # the menu (and its log-out) is folded at 390 px
        page.log_in(w.owner.email, PASSWORD)
        page.open("/seances/signalements/")
        report = ProblemReport.objects.get()
        card_css = f"#problem-{report.pk}"
        assert "Personne en ligne." in page.text(card_css)
        assert _fits(page)
        screenshot("staff reports page, 390 px")
        page.find(f"{card_css} textarea[name=resolution]").send_keys("Coach absent, confirmé.")
        page.navigates(page.find(f"{card_css} button[value=uphold]").click)
        assert "Signalement traité" in page.text(".messages")
        assert "Aucun signalement à examiner" in page.text()
        assert "Coach absent, confirmé." in page.text()
        assert _fits(page)
        screenshot("report upheld, 390 px")
    finally:
        page.driver.set_window_size(size["width"], size["height"])
    report.refresh_from_db()
    assert report.status == "upheld" and report.resolved_by == w.owner
    later = timezone.now()
    assert ledger.allowance(w.subscription, later, later).remaining == before + 1
