"""The provider's owner finds a coaching client and reads its coaching on the staff client
page, in a real headless Chromium at 390 px (issue 16): the allowance of the period
(art. 10.1) and the next session, whose link opens the session's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.test_portal_in_a_browser import Page
from tests.coaching.builders import coaching_world
from tests.helpers import PASSWORD
from tests.portal.test_staff_see_a_clients_coaching import PARIS, _book, _nine, _working_day

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    browser.set_window_size(390, 900)
    return Page(browser, live_server.url)


def test_the_owner_reads_a_clients_coaching_at_390_px(page: Page) -> None:
    now = timezone.now()
    w = coaching_world(now - timedelta(days=60), now - timedelta(days=59), members=1)
    day = _working_day(now.astimezone(PARIS).date() + timedelta(days=6), 1)
    session = _book(w, w.members[0], _nine(day))
    page.log_in(w.owner.email, PASSWORD)
    page.open("/espace/clients/")
    page.navigates(page.find(f"a[href='/espace/clients/{w.client.pk}/']").click)
    card = page.text("#coaching")
    assert w.subscription.label in card and "11 sur 12" in card
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    ), "the client page scrolls sideways at 390 px"
    page.navigates(page.find(f"#coaching a[href='/seances/{session.pk}/']").click)
    assert page.path() == f"/seances/{session.pk}/"
