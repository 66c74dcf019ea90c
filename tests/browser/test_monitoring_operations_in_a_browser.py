"""Maintenance windows (art. 6) and the staff problems board (art. 3.2) in a real
headless Chromium: the client admin declares its two windows, an engineer schedules a
maintenance inside one, then acknowledges a problem from the board; both pages are
readable at 390 px."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.monitoring import windows as rules
from clausier.monitoring.models import Acknowledgement, Downtime, ReportKind, ServerReport
from clausier.monitoring.services import maintenance
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.monitoring.helpers import feed, monitoring_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def set_value(page: Page, css: str, value: str) -> None:
    page.driver.execute_script("arguments[0].value = arguments[1]", page.find(css), value)


def fits_390(page: Page, url: str) -> None:
    page.driver.set_window_size(390, 900)
    page.open(url)
    wide = page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    assert wide, f"{url} scrolls sideways at 390 px"
    page.driver.set_window_size(1280, 900)


def test_windows_maintenance_and_the_problems_board(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    start = timezone.now() - timedelta(hours=1)
    world = monitoring_world(start)
    feed(world.service("HTTP"), [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)
    url = f"/supervision/serveurs/{world.server.pk}/maintenance/"

    # The client admin sees the missing obligation and declares the windows.
    page.log_in(world.admin.email, PASSWORD)
    page.open(f"/supervision/serveurs/{world.server.pk}/")
    assert "art. 6" in page.text()
    page.navigates(page.find(f"main a[href='{url}']").click)
    assert page.find("#windows-missing") is not None
    screenshot("windows empty")
    page.choose("#id_first_day", "1")
    set_value(page, "#id_first_start", "22:00")
    page.choose("#id_second_day", "5")
    set_value(page, "#id_second_start", "06:00")
    page.submit("#windows-form")
    assert "Plages de maintenance enregistrées" in page.text()
    assert maintenance.windows_complete(world.server)
    fits_390(page, url)
    page.log_out()

    # An engineer schedules a maintenance inside the next window.
    page.log_in(world.engineer.email, PASSWORD)
    zone = maintenance.server_zone(world.server)
    begin, _end = rules.next_occurrence(maintenance.declared(world.server), zone, timezone.now())
    local = begin.astimezone(zone)
    page.open(url)
    set_value(page, "#id_starts_at", local.strftime("%Y-%m-%dT%H:%M"))
    set_value(page, "#id_ends_at", (local + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.fill({"id_reason": "Mise à jour PHP"})
    page.submit("#maintenance-form")
    assert "le client est prévenu" in page.text()
    assert Downtime.objects.get().starts_at == begin
    assert OutboxMessage.objects.filter(
        template="monitoring_maintenance_notice", to_email=world.admin.email
    ).exists()
    screenshot("maintenance planned")

    # The problems board: acknowledge the HTTP problem with a comment.
    page.navigates(page.find("a[href='/supervision/problemes/']").click)
    assert "1 problème non traité" in page.text() and "HTTP" in page.text()
    page.find("section.problem input[name=comment]").send_keys("Apache redémarré")
    page.updates_in_place(  # htmx: the list comes back in place (docs/portal.md "HTMX")
        page.find("section.problem button[type=submit]").click, "#board", "0 problème"
    )
    assert "Apache redémarré" in page.text("#board")
    assert Acknowledgement.objects.get().author == world.engineer
    screenshot("board")
    fits_390(page, "/supervision/problemes/")

    # A weekly log report (art. 3.2), overdue, read with a comment.
    now = timezone.now()
    report = ServerReport.objects.create(
        server=world.server,
        kind=ReportKind.WEEKLY_LOGS,
        period_start=(now - timedelta(days=9)).date(),
        due_at=now - timedelta(days=2),
        command="logwatch",
        collected_at=now - timedelta(days=9),
        exit_status=0,
        output="Logwatch summary: " + "sshd failed logins " * 30,
        clause="Art. 3.2",
    )
    page.open("/supervision/problemes/")
    page.navigates(page.find(f"a[href='/supervision/rapports/{report.pk}/']").click)
    assert "en retard" in page.text()
    page.find("#read-form textarea").send_keys("RAS")
    page.submit("#read-form")
    assert "Rapport lu le" in page.text()
    fits_390(page, f"/supervision/rapports/{report.pk}/")
