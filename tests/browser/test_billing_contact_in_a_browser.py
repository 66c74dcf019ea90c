"""The client admin sets the billing address and its language on the members page, in a
real Chromium at 1280 px and 390 px (issue 16): the form fits and the choice is saved."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.test_each_role_in_a_browser import WIDTHS, _fits, _log_in, _on_screen, _page
from tests.browser.test_each_role_in_a_browser import world as world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_admin_sets_the_billing_contact_language(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    client = world["client"]
    page = _page(browser, live_server, width)
    _log_in(page, world["admin"].email)
    page.open(f"/organisations/{client.pk}/membres/")
    _fits(page)
    page.fill({"billing_billing_email": "buchhaltung@boulangerie.example"})
    page.choose("#billing_billing_language", "de")
    page.navigates(_on_screen(page, "#billing-contact button[type=submit]").click)
    assert "Adresse de facturation enregistrée" in page.text("body")
    _fits(page)
    client.refresh_from_db()
    assert (client.billing_email, client.billing_language) == (
        "buchhaltung@boulangerie.example",
        "de",
    )
