"""The client's monitoring journey in a real headless Chromium: the menu entry, the
status page with a live problem, the server page with its availability chart and
incident history, readable at 390 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.probes.result import State
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.monitoring.helpers import feed, monitoring_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_a_client_sees_its_problem_and_the_server_history(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    start = timezone.now() - timedelta(hours=2)
    world = monitoring_world(start)
    feed(world.service("Ping"), [State.OK], start)
    feed(world.service("HTTP"), [State.OK], start)
    feed(world.service("SMTP"), [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)

    page.log_in(world.member.email, PASSWORD)
    page.navigates(page.find("a[href='/supervision/']").click)
    text = page.text()
    assert "www1" in text and "1 problème en cours" in text and "CRITICAL" in text
    screenshot("status")
    page.navigates(page.find(f"a[href='/supervision/serveurs/{world.server.pk}/']").click)
    assert page.find("svg") is not None
    assert "Historique des incidents" in page.text() and "SMTP" in page.text(
        "main table:last-of-type"
    )
    screenshot("server")

    page.driver.set_window_size(390, 900)
    for url in ("/supervision/", f"/supervision/serveurs/{world.server.pk}/"):
        page.open(url)
        wide = page.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
        assert wide, f"{url} scrolls sideways at 390 px"
    screenshot("server at 390 px")
