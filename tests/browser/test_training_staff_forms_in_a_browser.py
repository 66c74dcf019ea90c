"""The training provider's staff journey in a real headless Chromium (issue 15): schedule a
session by half-days, make the client's quote, request the OPCO's funding, record its
agreement, convoke the participants (iCalendar in the outbox), and read the board of
funding requests, at 390 px too."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.notify.models import OutboxAttachment, OutboxMessage
from clausier.training.models import FundingRequest, Quote, TrainingSession
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.training.world import training_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PARIS = ZoneInfo("Europe/Paris")


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def _set(page: Page, element_id: str, value: str) -> None:
    page.driver.execute_script(
        "arguments[0].value = arguments[1]", page.find(f"#{element_id}"), value
    )


def _fits_390(page: Page) -> bool:
    page.driver.set_window_size(390, 900)
    fits = page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    page.driver.set_window_size(1280, 1400)
    return bool(fits)


def test_staff_schedule_quote_fund_and_convoke(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = training_world()
    now = timezone.now().astimezone(PARIS)
    day1 = (now + timedelta(days=60)).date()
    day2 = day1 + timedelta(days=1)

    page.log_in(w["owner"].email, PASSWORD)
    page.open("/formations/")
    page.navigates(page.find("a[href='/formations/sessions/nouvelle/']").click)
    page.choose("#id_training", str(w["training"].pk))
    page.choose("#id_trainer", str(w["coach"].pk))
    page.fill({"id_location": "12 rue des Lilas, Lyon"})
    for index, (day, half, starts, ends) in enumerate(
        [
            (day1, "am", "09:00", "12:30"),
            (day1, "pm", "13:30", "17:00"),
            (day2, "am", "09:00", "12:30"),
            (day2, "pm", "13:30", "17:00"),
        ]
    ):
        _set(page, f"id_half-{index}-day", day.isoformat())
        page.choose(f"#id_half-{index}-half", half)
        _set(page, f"id_half-{index}-starts", starts)
        _set(page, f"id_half-{index}-ends", ends)
    screenshot("session form")
    page.submit("main form")
    assert "Session programmée." in page.text()
    session = TrainingSession.objects.exclude(pk=w["session"].pk).get()
    assert page.path() == f"/formations/sessions/{session.pk}/"
    assert _fits_390(page)

    page.navigates(page.find(f"a[href='/formations/devis/nouveau/?session={session.pk}']").click)
    page.choose("#id_client", str(w["client"].pk))
    page.fill({"id_participants": f"{w['alice'].email}\n{w['bob'].email}"})
    page.submit("main form")
    assert "Devis établi, participants inscrits." in page.text()
    quote = Quote.objects.get(session=session)
    assert quote.enrolments.count() == 2

    page.find("#funding-request summary").click()
    page.choose("#id_funder", str(w["funder"].pk))
    page.fill({"id_file_number": "AT-2027-42", "id_amount_ht": "3200.00"})
    page.submit("#funding-request form")
    assert "Demande de prise en charge enregistrée." in page.text()

    page.find("#agreement summary").click()
    page.fill({"id_reference": "ACC-42", "id_covered_ht": "3000.00", "id_covered_hours": "30"})
    _set(page, "id_received_at", (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"))
    page.submit("#agreement form")
    assert "Accord de l'OPCO enregistré." in page.text()
    request = FundingRequest.objects.get(quote=quote)
    assert request.agreement_reference == "ACC-42" and request.covered_hours == 30
    screenshot("quote with its agreement")

    page.open(f"/formations/sessions/{session.pk}/")
    assert "pas encore convoqué" in page.text()
    page.submit(f"form[action='/formations/sessions/{session.pk}/convoquer/']")
    assert "2 convocation(s) envoyée(s)." in page.text()
    convocations = OutboxMessage.objects.filter(template="training_convocation")
    assert sorted(m.to_email for m in convocations) == sorted([w["alice"].email, w["bob"].email])
    assert (
        OutboxAttachment.objects.filter(
            message__in=convocations, content_type__startswith="text/calendar"
        ).count()
        == 2
    )

    page.open("/formations/financements/")
    assert "OPCO Atlas" in page.text() and "AT-2027-42" in page.text()
    assert "accord reçu" in page.text()
    screenshot("funding board")
    assert _fits_390(page)
