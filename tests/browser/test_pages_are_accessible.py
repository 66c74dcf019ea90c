"""axe-core in a real Chromium on each role's main pages (issue 16): no serious or
critical violation (WCAG 2.1 A and AA rules), at 1280 px and at 390 px.

axe-core comes from the npm registry through `scripts/ensure-axe` (into var/axe/, not
committed) and is injected into each page; the test fails, not skips, when it cannot be
installed, like the browser itself (scripts/ensure-chromium).
"""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from clausier.billing.models import Invoice
from tests.browser.test_each_role_in_a_browser import WIDTHS, _log_in, _page
from tests.browser.test_each_role_in_a_browser import world as world
from tests.browser.test_portal_in_a_browser import Page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
BLOCKING = {"serious", "critical"}
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
                   resultTypes: ["violations"]})
  .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
        nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}))))
  .catch(e => done([{id: "axe-error", impact: "critical", help: String(e), nodes: []}]));
"""


@pytest.fixture(scope="session")
def axe_source() -> str:
    path = subprocess.run(
        [str(ROOT / "scripts" / "ensure-axe")], capture_output=True, text=True, check=True
    ).stdout.strip()
    return Path(path).read_text()


def _violations(page: Page, axe: str) -> list[dict[str, Any]]:
    page.driver.execute_script(axe)
    found = page.driver.execute_async_script(RUN_AXE)
    return [v for v in found if v["impact"] in BLOCKING]


def _check(page: Page, axe: str, paths: list[str]) -> None:
    problems = {}
    for path in paths:
        page.open(path)
        found = _violations(page, axe)
        if found:
            problems[path] = found
    assert not problems, problems


PAGES = {
    "admin": ["/", "/factures/", "/abonnements/", "/conditions/", "/profil/", "/profil/jetons/"],
    "member": ["/", "/profil/", "/profil/sessions/"],
    "owner": ["/", "/factures/", "/profil/double-authentification/"],
    "accountant": ["/"],
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", list(PAGES))
def test_main_pages_have_no_serious_accessibility_violation(
    browser: Any, live_server: Any, world: dict[str, Any], axe_source: str, role: str, width: int
) -> None:
    page = _page(browser, live_server, width)
    _check(page, axe_source, ["/connexion/", "/mot-de-passe-oublie/"])
    _log_in(page, world[role].email)
    invoice = Invoice.objects.order_by("pk").first()
    extra = [f"/factures/{invoice.pk}/"] if role == "admin" and invoice else []
    _check(page, axe_source, PAGES[role] + extra)
