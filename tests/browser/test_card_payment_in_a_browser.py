"""Card payment on the gateway's hosted page in a real Chromium, at 1280 px and 390 px
(issue 16; coaching art. 8.2.1-8.2.2): the client administrator opens an unpaid
invoice, pays by card on the (test) gateway's page, comes back, and the invoice is paid
by the gateway's signed webhook; a declined card leaves the next invoice due."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from clausier.billing import services
from clausier.billing.models import GatewayAccount, Invoice
from tests.browser.test_each_role_in_a_browser import WIDTHS, _fits, _log_in, _on_screen, _page
from tests.browser.test_each_role_in_a_browser import world as world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_pays_an_invoice_by_card_and_a_declined_card_leaves_it_due(
    browser: Any, live_server: Any, world: dict[str, Any], width: int, settings: Any
) -> None:
    settings.PAYMENT_HOSTED_PAGE = "test"
    GatewayAccount.objects.create(
        provider=world["provider"], gateway="stripe", webhook_secret="whsec_browser"
    )
    unpaid = [i for i in Invoice.objects.order_by("pk") if services.balance_due(i) > 0]
    first, second = unpaid[0], unpaid[1]
    page = _page(browser, live_server, width)
    _log_in(page, world["admin"].email)

    page.open(f"/factures/{first.pk}/")
    _fits(page)
    page.navigates(_on_screen(page, "#pay-by-card").click)
    assert page.path().startswith("/billing/passerelle-de-test/")
    _fits(page)
    assert first.display_number in page.text("body")
    page.navigates(_on_screen(page, "#gateway-pay").click)
    assert page.path() == f"/factures/{first.pk}/?carte=paid"
    assert "Paiement par carte transmis" in page.text()
    _fits(page)
    assert services.balance_due(first) == Decimal("0.00")

    page.open(f"/factures/{second.pk}/")
    due = services.balance_due(second)
    page.navigates(_on_screen(page, "#pay-by-card").click)
    page.navigates(_on_screen(page, "#gateway-decline").click)
    assert "Carte refusée" in page.text()
    _on_screen(page, "#pay-by-card")
    _fits(page)
    assert services.balance_due(second) == due
