"""The application's interruptions in a real headless Chromium (coaching art. 7.3): the
owner opens the empty page (it says what to do), records an outage of five days, sees it
listed with the trainee's access extended, schedules a maintenance three days ahead (art.
7.4: the trainee is e-mailed, the banner shows), at 390 px too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.notify.models import OutboxMessage
from clausier.training import access
from clausier.training.models import AccessExtension
from tests.browser.test_portal_in_a_browser import Page
from tests.browser.test_training_staff_forms_in_a_browser import PARIS, _fits_390, _set
from tests.helpers import PASSWORD
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import training_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_the_owner_records_an_outage_and_the_trainee_gets_the_days(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = training_world()
    w["training"].access_days = 800  # still open today
    w["training"].save()
    enrolment = quote_of(w, w["alice"]).enrolments.get()
    closes = access.window(enrolment).closes_at
    now = timezone.now().astimezone(PARIS)

    page.log_in(w["owner"].email, PASSWORD)
    page.open("/interruptions/")
    assert "Aucune interruption enregistrée" in page.text()
    _set(page, "id_outage-starts_at", (now - timedelta(days=10)).strftime("%Y-%m-%dT%H:%M"))
    _set(page, "id_outage-ends_at", (now - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.fill(
        {"id_outage-scope": "Application web entière", "id_outage-cause": "Panne de l'hébergeur"}
    )
    page.submit("#outage-form")
    assert "Panne enregistrée" in page.text() and "art. 7.3" in page.text()
    assert "Application web entière" in page.text()
    assert page.find(".interruption-outage .extensions").text == "1"
    assert AccessExtension.objects.get(enrolment=enrolment).days == 5
    assert access.window(enrolment).closes_at == closes + timedelta(days=5)

    starts = now + timedelta(days=3)
    _set(page, "id_maintenance-starts_at", starts.strftime("%Y-%m-%dT%H:%M"))
    _set(page, "id_maintenance-ends_at", (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"))
    page.fill({"id_maintenance-scope": "Lecteur de modules"})
    page.submit("#maintenance-form")
    assert "Maintenance programmée" in page.text() and "art. 7.4" in page.text()
    assert "Lecteur de modules" in page.text(".maintenance-banner")
    assert OutboxMessage.objects.filter(
        template="maintenance_notice", to_email=w["alice"].email
    ).exists()
    screenshot("interruptions")
    assert _fits_390(page)
