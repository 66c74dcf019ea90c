"""The support desk's main journey in a real headless Chromium: a client opens a ticket
and sees its acknowledgement deadline with the clause; an engineer finds it first in the
queue and answers; the client sees it acknowledged. Readable at 390 px wide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clausier.support.models import Ticket
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.support.builders import support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_a_ticket_is_opened_answered_and_acknowledged(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = support_world()
    page.log_in(w["admin"].email, PASSWORD)
    page.open("/support/")
    assert "Aucun ticket" in page.text()
    assert "web1" in page.text()  # the emergency button and the counters of the server
    page.fill({"ticket-subject": "Le site est lent", "ticket-body": "Depuis 8 h."})
    page.submit("form#new-ticket")
    ticket = Ticket.objects.get()
    assert page.path() == f"/support/tickets/{ticket.pk}/"
    assert "Prise en compte due le" in page.text() and "Art. 5" in page.text()
    screenshot("ticket opened")
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    page.driver.set_window_size(1280, 1400)
    page.log_out()

    page.log_in(w["engineer"].email, PASSWORD)
    page.open("/support/")
    assert "Le site est lent" in page.text("main .card")  # the queue comes first
    page.open(f"/support/tickets/{ticket.pk}/")
    page.fill({"reply-body": "Nous redémarrons PHP-FPM."})
    page.submit("form#reply")
    assert "Nous redémarrons PHP-FPM." in page.text()
    page.log_out()

    page.log_in(w["admin"].email, PASSWORD)
    page.open("/support/")
    assert "pris en compte le" in page.text()
    screenshot("acknowledged")
