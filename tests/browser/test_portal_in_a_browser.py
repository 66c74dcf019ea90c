"""The portal as a person uses it: a real headless Chromium against the live server.

An admin invites a collaborator from the members page; the invitation leaves through the
outbox to a real SMTP server on loopback; the collaborator opens the e-mailed link,
activates the account once (the second click is refused) and logs in again with the
password chosen. The login page also switches language through its selector.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from email.message import EmailMessage
from functools import partial
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from clausier.accounts.models import Membership, Person, Role
from clausier.notify.services import deliver_due
from tests.browser.conftest import WAIT_SECONDS
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW_PASSWORD = "Pain-au-levain-2026"


class Page:
    """Explicit waits around the Selenium driver: never a sleep."""

    def __init__(self, driver: Any, base_url: str) -> None:
        self.driver = driver
        self.base_url = base_url
        # htmx swaps elements out under a wait's condition: a stale element there means
        # "not yet", like a missing one.
        self.wait = WebDriverWait(
            driver, WAIT_SECONDS, ignored_exceptions=(StaleElementReferenceException,)
        )

    def open(self, url: str) -> None:
        self.driver.get(url if url.startswith("http") else self.base_url + url)
        self.wait.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def find(self, css: str) -> Any:
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def fill(self, fields: dict[str, str]) -> None:
        for field_id, value in fields.items():
            element = self.find(f"#{field_id}")
            element.clear()
            element.send_keys(value)

    def choose(self, css: str, value: str) -> None:
        Select(self.find(css)).select_by_value(value)

    def navigates(self, action: Callable[[], None]) -> None:
        """Run an action that loads a new page and wait until that page is there.

        The old page is marked with a window property and the wait is for a complete
        document without it. (Selenium's staleness_of is not usable here: while the old
        document goes away, chromedriver 156 now and then answers "Node with given id
        does not belong to the document" instead of "stale element reference".)
        """
        self.driver.execute_script("window.clausierOldPage = true")
        action()
        self.wait.until(new_document_loaded, "the action did not load a new page")

    def updates_in_place(self, action: Callable[[], None], css: str, text: str) -> None:
        """Run an action that htmx answers in place (docs/portal.md "HTMX"): wait until
        `text` shows in `css`, and check the document was not reloaded meanwhile (the
        marker put on `window` before the action is still there)."""
        self.wait.until(lambda d: d.execute_script("return !!window.htmx"), "no htmx")
        self.driver.execute_script("window.clausierInPlace = true")
        action()
        self.wait.until(lambda d: text in self.find(css).text, f"{text!r} never appeared in {css}")
        assert self.driver.execute_script("return window.clausierInPlace === true"), (
            "the page was reloaded"
        )

    def submit(self, form_css: str = "main form") -> None:
        button = self.find(f"{form_css} button[type=submit]")
        self.navigates(button.click)

    def log_out(self) -> None:
        self.submit("header form[action='/deconnexion/']")
        self.wait.until(lambda d: d.current_url == self.base_url + "/connexion/")

    def log_in(self, email: str, password: str) -> None:
        self.open("/connexion/")
        self.fill({"id_email": email, "id_password": password})
        self.submit()
        self.wait.until(lambda d: d.current_url == self.base_url + "/")

    def path(self) -> str:
        return self.driver.current_url.removeprefix(self.base_url)

    def text(self, css: str = "main") -> str:
        return self.find(css).text

    def lang(self) -> str:
        return self.find("html").get_attribute("lang")


def new_document_loaded(driver: Any) -> bool:
    try:
        return bool(
            driver.execute_script(
                "return !window.clausierOldPage && document.readyState === 'complete'"
            )
        )
    except WebDriverException:  # the old document is being torn down under the driver
        return False


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def plain_text(mail: EmailMessage) -> str:
    body = mail.get_body(preferencelist=("plain",))
    assert body is not None, f"no text part in {mail['Subject']!r}"
    return str(body.get_content())


def test_an_admin_invites_a_collaborator_who_activates_once_and_logs_in(
    page: Page,
    live_server: Any,
    smtp_server: Any,
    settings: Any,
    screenshot: Callable[[str], Path],
) -> None:
    # The live server runs in another thread of this process: settings overrides apply.
    settings.SITE_URL = live_server.url
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    invitee = "nina.roux@boulangerie.example"

    # The admin logs in and lands on the home page.
    page.open("/connexion/")
    assert page.lang() == "fr"
    page.fill({"id_email": admin.email, "id_password": PASSWORD})
    screenshot("login filled")
    page.submit()
    page.wait.until(lambda d: page.path() == "/")
    assert org.legal_name in page.text()

    # The members page: invite a professional address on the client's domain.
    page.open(f"/organisations/{org.pk}/membres/")
    assert f"Collaborateurs de {org.legal_name}" in page.text("h1")
    page.fill({"id_email": invitee})
    page.choose("#id_role", Role.CLIENT_MEMBER.value)
    page.choose("#id_language", "fr")
    screenshot("invite filled")
    page.submit("main .card.narrow form")
    assert page.path() == f"/organisations/{org.pk}/membres/"
    assert f"Invitation envoyée à {invitee}." in page.text(".messages .success")
    assert invitee in page.text()
    screenshot("invitation sent")

    # The outbox delivers to the loopback SMTP server; the mail carries the link.
    assert deliver_due(timezone.now())["sent"] == 1
    [mail] = smtp_server.messages
    assert mail["To"] == invitee
    links = re.findall(r"https?://\S+/invitation/[A-Za-z0-9_\-]+/", plain_text(mail))
    assert len(links) == 1, plain_text(mail)
    link = links[0]
    assert link.startswith(live_server.url + "/invitation/")

    # The collaborator, on a browser where nobody is logged in, activates the account.
    page.log_out()
    page.open(link)
    assert page.text("h1") == "Activation du compte"
    assert invitee in page.text()
    page.fill(
        {
            "id_first_name": "Nina",
            "id_last_name": "Roux",
            "id_password": NEW_PASSWORD,
            "id_password_confirm": NEW_PASSWORD,
        }
    )
    screenshot("activation filled")
    page.submit()
    assert page.path() == "/"
    assert "Votre compte est activé" in page.text(".messages .success")
    assert "Bonjour Nina Roux" in page.text("h1")
    assert f"{org.legal_name} — {provider.legal_name}" in page.text("table")
    assert "Se déconnecter" in page.text("header")
    screenshot("activated home")
    person = Person.objects.get(email=invitee)
    assert Membership.objects.get(person=person).client == org

    # The same link a second time is refused.
    page.open(link)
    assert "déjà été utilisé" in page.text(".error")
    screenshot("link used twice")

    # Logged out, the collaborator logs in with the chosen password.
    page.open("/")
    page.log_out()
    page.log_in(invitee.upper(), NEW_PASSWORD)
    assert "Bonjour Nina Roux" in page.text("h1")
    assert org.legal_name in page.text("table")
    screenshot("logged in again")


def test_the_login_page_switches_language_through_the_selector(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    page.open("/connexion/")
    assert page.lang() == "fr"
    assert page.text("h1") == "Connexion"

    for code, title, button in (("de", "Anmeldung", "Anmelden"), ("en", "Sign in", "Sign in")):
        page.navigates(partial(page.choose, "header select[name=language]", code))
        assert page.path() == "/connexion/"
        assert page.lang() == code
        assert page.text("h1") == title
        assert page.text("main form button[type=submit]") == button
        screenshot(f"login {code}")

    # The choice sticks: a fresh visit keeps English.
    page.open("/connexion/")
    assert page.lang() == "en"
