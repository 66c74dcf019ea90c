"""The training pages: each person sees their part, in FR/DE/EN; the trainer's form
validates a half-day and keeps its sheet; staff settle from the quote's page."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from clausier.training.models import DocumentKind, Presence, TrainingDocument
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    quote_of,
)
from tests.training.world import AFTER, ORDERED, training_world

pytestmark = pytest.mark.django_db


def test_an_empty_page_says_what_to_do_next(client):
    w = training_world()
    client.force_login(w["bob"])
    page = client.get("/formations/")
    assert page.status_code == 200 and "Votre administrateur vous inscrit" in page.content.decode()


def test_the_whole_journey_through_the_pages(client):
    w = training_world()
    quote = quote_of(w, w["alice"])
    complete_modules(w, quote, w["alice"])
    slots = list(w["session"].slots.order_by("starts_at"))
    enrolment = quote.enrolments.get()
    for slot in slots:
        with time_machine.travel(slot.starts_at + timedelta(minutes=1), tick=False):
            client.force_login(w["alice"])
            home = client.get("/formations/").content.decode()
            assert "Signer la demi-journée" in home and "Manager coach" in home
            assert client.post(f"/formations/demi-journees/{slot.pk}/signer/").status_code == 302
        with time_machine.travel(slot.ends_at, tick=False):
            client.force_login(w["coach"])
            assert "Valider la demi-journée" in client.get("/formations/").content.decode()
            client.post(
                f"/formations/demi-journees/{slot.pk}/valider/",
                {f"status-{enrolment.pk}": Presence.PRESENT},
            )
    assert TrainingDocument.objects.filter(kind=DocumentKind.ATTENDANCE_SHEET).count() == 4
    with time_machine.travel(AFTER, tick=False):
        client.force_login(w["accountant"])
        client.post(f"/formations/devis/{quote.pk}/facturer/")
    quote.refresh_from_db()
    assert quote.client_invoice is not None
    certificate = TrainingDocument.objects.get(kind=DocumentKind.CERTIFICATE)
    client.force_login(w["alice"])
    pdf = client.get(f"/formations/documents/{certificate.pk}/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(w["admin"])
    detail = client.get(f"/formations/devis/{quote.pk}/").content.decode()
    assert quote.client_invoice.display_number in detail and "15.00 / 15.00 h" in detail.replace(
        ",", "."
    )


@pytest.mark.parametrize(
    ("lang", "word"), [("fr", "Formations"), ("de", "Schulungen"), ("en", "Trainings")]
)
def test_the_menu_entry_in_three_languages(client, lang, word):
    w = training_world()
    quote_of(w, w["alice"])
    w["alice"].language = lang
    w["alice"].save()
    client.force_login(w["alice"])
    with time_machine.travel(ORDERED, tick=False):
        assert word in client.get("/formations/").content.decode()
