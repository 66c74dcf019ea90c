"""An htmx form whose session ended meanwhile (docs/portal.md "HTMX"), in a real headless
Chromium: the engineer is logged out everywhere while the ticket page is open; the reply
sent by htmx takes the whole browser to the login page, coming back to the ticket, and
never puts the login page inside the conversation. A reply whose CSRF token went stale
reloads the page instead of showing an error inside it. Also: the Content-Security-Policy
check of every browser test (conftest's `csp_violations`) does see a violation."""

from __future__ import annotations

from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone
from selenium.webdriver.common.by import By

from clausier.accounts.models import Person
from clausier.support.services import tickets
from tests.browser.conftest import csp_violations
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.support.builders import support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_a_reply_after_logging_out_everywhere_goes_to_the_login_page(page: Page) -> None:
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
    page.wait.until(lambda d: d.execute_script("return !!window.htmx"), "htmx is not loaded")
    # "Se déconnecter partout" from another device: this session's hash no longer holds.
    Person.objects.filter(pk=w["engineer"].pk).update(session_epoch=F("session_epoch") + 1)

    page.fill({"reply-body": "Nous redémarrons PHP-FPM."})
    page.navigates(page.find("form#reply button[type=submit]").click)
    assert page.path() == f"/connexion/?next=/support/tickets/{ticket.pk}/"
    assert page.driver.find_elements(By.CSS_SELECTOR, "#conversation") == []
    assert len(page.driver.find_elements(By.CSS_SELECTOR, "input[name=password]")) == 1
    assert not ticket.messages.filter(body__contains="PHP-FPM").exists()

    # Logging in again comes back to the ticket.
    page.fill({"id_email": w["engineer"].email, "id_password": PASSWORD})
    page.submit()
    assert page.path() == f"/support/tickets/{ticket.pk}/"


def test_a_reply_whose_csrf_token_went_stale_reloads_the_page(page: Page) -> None:
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
    page.wait.until(lambda d: d.execute_script("return !!window.htmx"), "htmx is not loaded")
    # The token cookie gone (as after a login in another tab): the post fails its check.
    page.driver.delete_cookie("csrftoken")
    page.fill({"reply-body": "Nous redémarrons PHP-FPM."})
    page.navigates(page.find("form#reply button[type=submit]").click)
    # Reloaded whole: the ticket again, no error page inside the conversation.
    assert page.path() == f"/support/tickets/{ticket.pk}/"
    assert "Le site est lent" in page.text()
    assert "Formulaire expiré" not in page.text()
    assert not ticket.messages.filter(body__contains="PHP-FPM").exists()


def test_an_inline_script_is_refused_and_reported(page: Page) -> None:
    page.open("/connexion/")
    page.driver.execute_script(
        "var s = document.createElement('script'); s.textContent = 'window.inlineRan = 1';"
        "document.body.appendChild(s);"
    )
    assert page.driver.execute_script("return window.inlineRan") is None
    page.wait.until(lambda d: csp_violations(d), "no violation in the console")
