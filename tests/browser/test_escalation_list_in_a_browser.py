"""The escalation list's staff form in a real headless Chromium at 390 px (managed
hosting art. 5: "une liste de mail et de numéros de téléphone en escalade est fournie au
client"): an engineer follows the support home's link, is refused a wrong number with
what they typed kept, corrects it and publishes; the client's admin reads the list."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clausier.support.services import escalation
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.support.builders import support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def fits(page: Page) -> bool:
    return bool(
        page.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
    )


def test_an_engineer_publishes_the_list_and_the_client_reads_it(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = support_world()
    page.driver.set_window_size(390, 900)
    try:
        page.log_in(w["engineer"].email, PASSWORD)
        page.open("/support/")
        page.navigates(page.find("a.escalation-edit").click)
        assert page.path() == f"/support/prestataires/{w['provider'].pk}/escalade/"
        assert "Aucune liste publiée" in page.text("#escalation-empty")
        assert fits(page)
        page.fill(
            {
                "id_contact-0-name": "Astreinte niveau 1",
                "id_contact-0-phone": "appelez-nous",
                "id_contact-1-name": "Direction",
                "id_contact-1-email": "direction@kalanda.example",
            }
        )
        page.choose("#id_contact-1-hours", "office")
        page.submit("form#escalation-form")
        assert "Ligne 1 : numéro de téléphone illisible." in page.text("#escalation-error")
        assert page.find("#id_contact-0-phone").get_attribute("value") == "appelez-nous"
        assert page.find("#id_contact-1-name").get_attribute("value") == "Direction"
        assert escalation.contacts_of(w["provider"].pk) == []
        screenshot("refused list kept as typed")
        page.fill({"id_contact-0-phone": "+33 1 84 80 00 01"})
        page.submit("form#escalation-form")
        assert "Liste d'escalade publiée (art. 5)." in page.text()
        assert [(c.name, c.hours) for c in escalation.contacts_of(w["provider"].pk)] == [
            ("Astreinte niveau 1", "always"),
            ("Direction", "office"),
        ]
        assert fits(page)
        page.driver.set_window_size(1280, 1400)  # the header's menu folds at 390 px
        page.log_out()

        page.log_in(w["admin"].email, PASSWORD)
        page.driver.set_window_size(390, 900)
        page.open("/support/")
        shown = page.text(".escalation")
        assert "Astreinte niveau 1" in shown and "direction@kalanda.example" in shown
        assert "Modifier la liste" not in shown
        assert page.find(".escalation a[href^='tel:']").get_attribute("href") == (
            "tel:+33184800001"
        )
        assert fits(page)
        screenshot("the client reads the list")
    finally:
        page.driver.set_window_size(1280, 1400)
