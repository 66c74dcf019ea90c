"""A client admin opens the notifications page from the menu, switches the payment
e-mails off and saves, at 1280 px and 390 px: no sideways scroll, the legal notices are
shown checked and disabled, the save button is on screen."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from selenium.webdriver.common.by import By

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, Payment, Subscription
from clausier.billing.models_payments import Mandate
from clausier.notify import preferences
from tests.billing.builders import billing_world
from tests.browser.test_each_role_in_a_browser import (
    WIDTHS,
    _fits,
    _log_in,
    _menu,
    _on_screen,
    _page,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_client_admin_switches_payment_mails_off(
    browser: Any, live_server: Any, width: int
) -> None:
    w = billing_world(ServiceLine.COACHING_TRAINING, timezone.now() - timedelta(days=3))
    page = _page(browser, live_server, width)
    _log_in(page, w["admin"].email)
    entries = _menu(page, width)
    page.navigates(entries.find_element(By.CSS_SELECTOR, "a[href='/profil/notifications/']").click)
    _fits(page)
    legal = page.find("#notice-price_increase")
    assert legal.is_selected() and not legal.is_enabled()
    box = page.find("#notice-payment_received")
    assert box.is_selected()
    page.driver.execute_script("arguments[0].scrollIntoView()", box)
    box.click()
    button = page.find("main form button[type=submit]")
    page.driver.execute_script("arguments[0].scrollIntoView()", button)
    _on_screen(page, "main form button[type=submit]")
    page.navigates(button.click)
    assert "Préférences de notification enregistrées" in page.text()
    _fits(page)
    choices = preferences.choices_of(w["admin"])
    assert not choices["payment_received"] and choices["invoice_issued"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_client_admin_subscribes_from_the_catalogue(
    browser: Any, live_server: Any, width: int
) -> None:
    w = billing_world(ServiceLine.COACHING_TRAINING, timezone.now() - timedelta(days=3))
    page = _page(browser, live_server, width)
    _log_in(page, w["admin"].email)
    entries = _menu(page, width)
    page.navigates(entries.find_element(By.CSS_SELECTOR, "a[href='/formules/']").click)
    _fits(page)
    assert w["plan"].name in page.text() and "Art. 8.2.3" in page.text()
    button = page.find("main form.order button[type=submit]")
    page.driver.execute_script("arguments[0].scrollIntoView()", button)
    _on_screen(page, "main form.order button[type=submit]")
    page.navigates(button.click)
    assert page.path().startswith("/factures/")
    assert "commence au paiement de sa première facture" in page.text()
    _fits(page)
    assert Subscription.objects.filter(client=w["client"]).count() == 1


@pytest.mark.parametrize("width", WIDTHS)
def test_the_accountant_records_a_payment_from_the_client_page(
    browser: Any, live_server: Any, width: int
) -> None:
    ordered = timezone.now() - timedelta(days=3)
    w = billing_world(ServiceLine.MANAGED_HOSTING, ordered)
    services.subscribe(now=ordered, actor=w["admin"], client=w["client"], plan=w["plan"])
    invoice = Invoice.objects.get()
    page = _page(browser, live_server, width)
    _log_in(page, w["accountant"].email)
    entries = _menu(page, width)
    page.navigates(entries.find_element(By.CSS_SELECTOR, "a[href='/espace/clients/']").click)
    _fits(page)
    page.navigates(page.find("main table.stack tbody a").click)
    _fits(page)
    page.find("main details summary").click()
    page.fill({f"amount-{invoice.pk}": str(invoice.total_ttc), f"reference-{invoice.pk}": "VIR-7"})
    button = page.find("main form.payment button[type=submit]")
    page.driver.execute_script("arguments[0].scrollIntoView()", button)
    _on_screen(page, "main form.payment button[type=submit]")
    page.navigates(button.click)
    assert "Paiement enregistré" in page.text()
    _fits(page)
    assert Payment.objects.get().recorded_by == w["accountant"]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_client_admin_signs_a_mandate_in_two_clicks(
    browser: Any, live_server: Any, width: int
) -> None:
    w = billing_world(ServiceLine.COACHING_TRAINING, timezone.now() - timedelta(days=3))
    page = _page(browser, live_server, width)
    _log_in(page, w["admin"].email)
    page.open("/formules/")
    page.navigates(page.find("main a[href='/mandat/']").click)
    _fits(page)
    page.fill({"id_iban": "FR76 3000 6000 0112 3456 7890 189"})
    page.submit()
    assert "FR76 •••• 0189" in page.text() and "8 semaines" in page.text()
    _fits(page)
    _on_screen(page, "main form button[type=submit]")
    page.submit()
    assert "signé" in page.text()
    _on_screen(page, "main a[href$='/pdf/']")
    _fits(page)
    assert Mandate.objects.filter(client=w["client"]).count() == 1
