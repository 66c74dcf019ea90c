"""The back-office and the API docs run under the pages' Content-Security-Policy
(clausier.core.csp, docs/configuration.md "Page security headers") in a real headless
Chromium: their scripts work (the date widget's shortcuts, the change list's actions,
Swagger UI draws the operations) and the console has no violation (conftest's check)."""

from __future__ import annotations

from typing import Any

import pytest
from selenium.webdriver.common.by import By

from clausier.accounts.models import Role
from tests.browser.conftest import csp_violations
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD, make_provider, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_the_back_office_scripts_run_without_a_violation(page: Page) -> None:
    accountant = make_staff(make_provider(), Role.ACCOUNTANT)
    page.log_in(accountant.email, PASSWORD)
    page.open("/admin/")
    assert page.driver.find_elements(By.CSS_SELECTOR, "#content")
    page.open("/admin/terms/ecbrateentry/add/")
    # DateTimeShortcuts (admin's own static script) adds "Aujourd'hui" beside the date.
    page.wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".datetimeshortcuts a"), "no date shortcuts"
    )
    page.open("/admin/accounts/membership/")
    assert page.driver.find_elements(By.CSS_SELECTOR, "#changelist")
    assert csp_violations(page.driver) == []


def test_the_api_docs_draw_without_a_violation(page: Page) -> None:
    page.open("/api/docs")
    page.wait.until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".swagger-ui .opblock"), "no operations"
    )
    assert csp_violations(page.driver) == []
