"""In a real headless Chromium, at 390 px too: a client's administrator finds the company's
evaluation results (means per training and session, no comment of anyone); an owner
creates a training (refused while its duration is 0) and is led to schedule it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from clausier.training.models import Training
from tests.browser.test_portal_in_a_browser import Page
from tests.browser.test_training_staff_forms_in_a_browser import _fits_390
from tests.helpers import PASSWORD
from tests.training.test_client_admin_reads_evaluations import evaluated_world
from tests.training.world import training_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_the_client_admin_reads_the_means_of_its_trainees(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = evaluated_world(answers=3)
    page.log_in(w["admin"].email, PASSWORD)
    page.open("/formations/")
    page.navigates(page.find("a[href='/formations/evaluations/']").click)
    assert page.path() == "/formations/evaluations/"
    text = page.text()
    assert "Manager coach" in text and "3 réponse(s) sur 3 (100 %)" in text
    assert "Les objectifs de la formation sont atteints" in text
    assert "Remarque de stagiaire" not in text
    page.find("details summary").click()
    assert "Session" in page.text()
    screenshot("client evaluations")
    assert _fits_390(page)


def test_an_owner_creates_a_training_then_is_led_to_schedule_it(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = training_world()
    page.log_in(w["owner"].email, PASSWORD)
    page.open("/formations/")
    page.navigates(page.find("a[href='/formations/catalogue/nouvelle/']").click)
    assert _fits_390(page)
    page.fill(
        {
            "id_title": "Prise de parole",
            "id_objectives": "Parler en public sans notes",
            "id_programme": "Matin : la voix. Après-midi : le plan.",
        }
    )
    page.find("#id_duration_hours").clear()
    page.fill({"id_duration_hours": "0"})
    page.fill({"id_price_ht": "1200.00"})
    page.choose("#id_modality", "remote")
    page.submit("main form")
    assert page.path() == "/formations/catalogue/nouvelle/"
    assert not Training.objects.filter(title="Prise de parole").exists()
    page.fill({"id_duration_hours": "7"})
    screenshot("new training")
    page.submit("main form")
    assert page.path() == "/formations/sessions/nouvelle/"
    assert "« Prise de parole » créée" in page.text()
    training = Training.objects.get(title="Prise de parole")
    assert training.modality == "remote" and training.provider == w["provider"]
