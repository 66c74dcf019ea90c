"""Each role's main journey in a real Chromium, at 1280 px and at 390 px (a phone):
no page scrolls sideways (document.documentElement.scrollWidth <= innerWidth), and the
page's main action is on screen. At 390 px the menu folds behind its button and opens
without JavaScript (a checkbox and its label); tables become one card per row.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice
from tests.billing.builders import billing_world
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD, make_client_user

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]


@pytest.fixture
def world() -> dict[str, Any]:
    ordered = timezone.now() - timedelta(days=200)
    w = billing_world(ServiceLine.MANAGED_HOSTING, ordered)
    subscription = services.subscribe(
        now=ordered, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ordered, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    for _ in range(2):  # two more quarters, unpaid and overdue
        subscription.refresh_from_db()
        services.bill_next_period(now=ordered, subscription=subscription)
    w["member"] = make_client_user(w["client"], Role.CLIENT_MEMBER)
    w["subscription"] = subscription
    return w


def _page(browser: Any, live_server: Any, width: int) -> Page:
    browser.set_window_size(width, 900)
    page = Page(browser, live_server.url)
    page.open("/connexion/")
    # The viewport really is that narrow (headless Chromium honours the window size).
    assert width - 20 <= browser.execute_script("return window.innerWidth") <= width
    return page


def _fits(page: Page) -> None:
    widths = page.driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]"
    )
    assert widths[0] <= widths[1], f"{page.path()} is {widths[0]} px wide in {widths[1]} px"


def _on_screen(page: Page, css: str) -> Any:
    element = page.find(css)
    assert element.is_displayed(), css
    right = page.driver.execute_script(
        "const r = arguments[0].getBoundingClientRect(); return r.right <= window.innerWidth"
        " && r.left >= 0",
        element,
    )
    assert right, f"{css} is off screen on {page.path()}"
    return element


def _log_in(page: Page, email: str) -> None:
    page.open("/connexion/")
    _fits(page)
    _on_screen(page, "#language-select")
    page.fill({"id_email": email, "id_password": PASSWORD})
    page.submit()
    page.wait.until(lambda d: page.path() == "/")
    _fits(page)


def _menu(page: Page, width: int) -> Any:
    """The menu's entries, opening the folded menu on a phone first."""
    menu = page.find("#menu")
    if width < 600:
        assert not menu.is_displayed(), "the menu should be folded under 600 px"
        page.find("label[for=nav-toggle]").click()
        page.wait.until(lambda d: menu.is_displayed())
    return menu


@pytest.mark.parametrize("width", WIDTHS)
def test_a_client_admin_sees_what_to_pay_and_opens_the_invoice(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    page = _page(browser, live_server, width)
    _log_in(page, world["admin"].email)
    assert "En retard" in page.text()
    assert "Aucun mandat de prélèvement SEPA actif" in page.text()
    action = _on_screen(page, "main .actions a.button")
    assert action.text == "Voir la facture"
    page.navigates(action.click)
    assert page.path().startswith("/factures/")
    _fits(page)
    _on_screen(page, "main a.button[href$='/pdf/']")
    # The invoice list: one card per row on a phone, the number link on screen.
    entries = _menu(page, width)
    page.navigates(entries.find_element(By.CSS_SELECTOR, "a[href='/factures/']").click)
    _fits(page)
    _on_screen(page, "main table.stack tbody tr td a")
    if width < 600:
        display = page.driver.execute_script(
            "return getComputedStyle(document.querySelector('main table.stack tr')).display"
        )
        assert display == "block"
    # The termination preview: dates, instalments and clause, no sideways scroll.
    page.open(f"/abonnements/{world['subscription'].pk}/resilier/")
    _fits(page)
    assert "Art. 9" in page.text()
    _on_screen(page, "main form button.danger")


@pytest.mark.parametrize("width", WIDTHS)
def test_a_collaborator_is_told_who_handles_the_invoices(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    page = _page(browser, live_server, width)
    _log_in(page, world["member"].email)
    assert "Votre administrateur gère les factures" in page.text()
    _on_screen(page, f"main a[href='mailto:{world['admin'].email}']")
    entries = _menu(page, width)
    assert not entries.find_elements(By.CSS_SELECTOR, "a[href='/factures/']")
    _on_screen(page, "#menu a[href='/profil/']")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_owner_sees_revenue_and_overdue(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    page = _page(browser, live_server, width)
    _log_in(page, world["owner"].email)
    assert "Chiffre d'affaires" in page.text()
    _on_screen(page, "main .grid .figure")
    _on_screen(page, "main .actions a.button[href='/factures/']")
    page.open("/factures/")
    _fits(page)
    _on_screen(page, "main table.stack tbody tr td a")


@pytest.mark.parametrize("width", WIDTHS)
def test_the_accountant_sees_the_debits_to_match(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    page = _page(browser, live_server, width)
    _log_in(page, world["accountant"].email)
    assert "à rapprocher du relevé" in page.text()
    _on_screen(page, "main .actions a.button[href='/factures/']")
    page.open("/profil/")
    _fits(page)
    _on_screen(page, "main form button[type=submit]")
