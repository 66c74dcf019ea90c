"""The support desk's main journey in a real headless Chromium: a client opens a ticket
and sees its acknowledgement deadline with the clause; an engineer finds it first in the
queue and answers; the client sees it acknowledged. Readable at 390 px wide."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.support.models import Ticket
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD
from tests.support.builders import support_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def test_a_ticket_is_opened_answered_and_acknowledged(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    w = support_world()
    page.log_in(w["admin"].email, PASSWORD)
    page.open("/support/")
    assert "Aucun ticket" in page.text()
    assert "web1" in page.text()  # the emergency button and the counters of the server
    page.fill({"ticket-subject": "Le site est lent", "ticket-body": "Depuis 8 h."})
    page.submit("form#new-ticket")
    ticket = Ticket.objects.get()
    assert page.path() == f"/support/tickets/{ticket.pk}/"
    assert "Prise en compte due le" in page.text() and "Art. 5" in page.text()
    screenshot("ticket opened")
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    page.driver.set_window_size(1280, 1400)
    page.log_out()

    page.log_in(w["engineer"].email, PASSWORD)
    page.open("/support/")
    assert "Le site est lent" in page.text("main .card")  # the queue comes first
    page.open(f"/support/tickets/{ticket.pk}/")
    page.fill({"reply-body": "Nous redémarrons PHP-FPM."})
    # htmx posts the reply and swaps the conversation and the clock, without a reload.
    page.updates_in_place(
        page.find("form#reply button[type=submit]").click, "#conversation", "Message enregistré"
    )
    assert "Nous redémarrons PHP-FPM." in page.text("#conversation")
    assert "prise en compte le" in page.text("#ticket-clock")  # a public reply (art. 5)
    assert page.find("#reply-body").get_attribute("value") == ""
    page.log_out()

    page.log_in(w["admin"].email, PASSWORD)
    page.open("/support/")
    assert "pris en compte le" in page.text()
    screenshot("acknowledged")


def test_an_engineer_runs_a_ticket_and_an_intervention_from_the_portal(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    from clausier.support.models import EmergencyRequest
    from clausier.support.services import tickets

    w = support_world()
    ticket = tickets.open_ticket(
        now=timezone.now(),
        client=w["client"],
        subject="Disque plein",
        body="/var",
        channel="portal",
    )
    page.log_in(w["engineer"].email, PASSWORD)
    page.open(f"/support/tickets/{ticket.pk}/")
    page.choose("#engineer-select", str(w["engineer"].pk))
    page.submit("form#ticket-assign")
    page.choose("#status-select", "waiting_third_party")
    page.submit("form#ticket-status")
    page.fill({"reply-body": "Vérifier les journaux de Postfix."})
    page.find("#reply-internal").click()
    page.updates_in_place(
        page.find("form#reply button[type=submit]").click, "#conversation", "note interne"
    )
    ticket.refresh_from_db()
    assert ticket.assignee == w["engineer"] and ticket.status == "waiting_third_party"
    assert ticket.acknowledged_at is None  # an internal note never acknowledges
    assert "note interne" in page.text()
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    screenshot("engineer ticket 390")
    page.driver.set_window_size(1280, 1400)

    page.open("/support/")
    page.find("form.emergency textarea[name=description]").send_keys("Serveur injoignable")
    page.find("form.emergency input[name=channel]").click()
    page.submit("form.emergency")
    row = EmergencyRequest.objects.get()
    assert row.channel == "phone" and page.path() == f"/support/urgences/{row.pk}/"
    page.submit("form#start")
    page.choose("#pause-reason", "third_party_parts")
    page.submit("form#pause")
    assert "remplacement de pièces par un tiers" in page.text()
    page.submit("form#resume")
    page.submit("form#restore")
    page.submit("form#end")
    row.refresh_from_db()
    assert row.started_at and row.restored_at and row.ended_at and row.pauses.count() == 1
    assert "Intervention terminée" in page.text()
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    screenshot("engineer intervention 390")


@pytest.mark.parametrize(
    ("language", "title", "credits"),
    [
        ("fr", "Rapport SLA mensuel", "Crédits de service"),
        ("de", "SLA-Monatsbericht", "Servicegutschriften"),
        ("en", "Monthly SLA report", "Service credits"),
    ],
)
def test_an_engineer_reads_a_clients_monthly_sla_report(
    page: Page, screenshot: Callable[[str], Path], language: str, title: str, credits: str
) -> None:
    from tests.support.test_it_reports_the_month import _month

    w = support_world()
    _month(w)
    w["engineer"].language = language
    w["engineer"].save()
    page.log_in(w["engineer"].email, PASSWORD)
    page.open("/support/")
    page.navigates(page.find("#report-link").click)
    assert title in page.text()
    page.driver.execute_script("document.getElementById('report-month').value = '2026-01'")
    page.submit("form#report-filter")
    text = page.text()
    assert "U-" in text and credits in text and "25" in text and "Art. 14" in text
    assert "mois=2026-01" in page.find("#report-pdf").get_attribute("href")
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    screenshot(f"sla report {language} 390")
    page.driver.set_window_size(1280, 1400)


def test_a_date_is_proposed_by_the_engineer_and_agreed_by_the_client(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    from clausier.support.models import InterventionPlan

    w = support_world()
    page.log_in(w["engineer"].email, PASSWORD)
    page.open("/support/")
    form = f"form#propose-{w['server'].pk}"
    page.find("details.plan-propose summary").click()
    page.find(f"{form} textarea[name=description]").send_keys("Mise à niveau MySQL 8.4")
    page.driver.execute_script(
        "document.querySelector(arguments[0] + ' input[name=slot1_start]').value ="
        " '2030-01-12T10:00'",
        form,
    )
    page.submit(form)
    plan = InterventionPlan.objects.get()
    assert page.path() == f"/support/interventions/{plan.pk}/"
    assert "En attente du choix du client" in page.text()
    page.log_out()
    page.log_in(w["admin"].email, PASSWORD)
    page.open(f"/support/interventions/{plan.pk}/")
    assert "hors heures ouvrées" in page.text()  # a Saturday
    page.find("#accept-slot input[name=accept_out_of_hours]").click()
    page.submit("form#accept-slot")
    plan.refresh_from_db()
    assert plan.accepted_at is not None and "Date convenue" in page.text()
    page.driver.set_window_size(390, 900)
    assert page.driver.execute_script(
        "return document.documentElement.scrollWidth <= window.innerWidth"
    )
    screenshot("plan agreed 390")
