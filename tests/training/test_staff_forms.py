"""The provider's staff forms (issue 15): a session by half-days, a quote with its
participants, the funding request, the OPCO's agreement or refusal, and the board of
funding requests. Same services as the API: permissions refused answer 403/404, bad
input 400 with the form, each action in the audit log."""

from __future__ import annotations

from datetime import timedelta
from html import unescape

import pytest
import time_machine

from clausier.core.models import AuditEntry
from clausier.training.models import (
    Enrolment,
    EnrolmentStatus,
    FundingRequest,
    Quote,
    TrainingSession,
)
from tests.training.test_it_runs_a_training_to_its_split_invoices import funded, quote_of
from tests.training.world import AFTER, FIRST_START, ORDERED, training_world

pytestmark = pytest.mark.django_db


def _halves(rows: list[tuple[str, str, str, str]]) -> dict[str, str]:
    data = {
        "half-TOTAL_FORMS": "10",
        "half-INITIAL_FORMS": "0",
        "half-MIN_NUM_FORMS": "0",
        "half-MAX_NUM_FORMS": "10",
    }
    for i, (day, half, starts, ends) in enumerate(rows):
        data |= {
            f"half-{i}-day": day,
            f"half-{i}-half": half,
            f"half-{i}-starts": starts,
            f"half-{i}-ends": ends,
        }
    return data


FOUR_HALF_DAYS = [
    ("2026-04-13", "am", "09:00", "12:30"),
    ("2026-04-13", "pm", "13:30", "17:00"),
    ("2026-04-14", "am", "09:00", "12:30"),
    ("2026-04-14", "pm", "13:30", "17:00"),
]


def _session_form(w, rows=FOUR_HALF_DAYS):
    return {
        "training": w["training"].pk,
        "trainer": w["coach"].pk,
        "location": "12 rue des Lilas, Lyon",
        "min_participants": "2",
    } | _halves(rows)


def test_staff_schedule_a_session_by_half_days_and_it_is_audited(client):
    w = training_world()
    client.force_login(w["owner"])
    with time_machine.travel(ORDERED, tick=False):
        page = client.get("/formations/sessions/nouvelle/")
        assert page.status_code == 200 and "Manager coach" in page.content.decode()
        response = client.post("/formations/sessions/nouvelle/", _session_form(w))
    assert response.status_code == 302
    session = TrainingSession.objects.exclude(pk=w["session"].pk).get()
    assert response["Location"] == f"/formations/sessions/{session.pk}/"
    assert session.slots.count() == 4 and session.location == "12 rue des Lilas, Lyon"
    assert AuditEntry.objects.filter(
        action="training.session_scheduled", object_id=str(session.pk), actor=w["owner"]
    ).exists()


def test_half_days_that_do_not_make_the_duration_are_refused_with_both_figures(client):
    w = training_world()
    client.force_login(w["owner"])
    response = client.post("/formations/sessions/nouvelle/", _session_form(w, FOUR_HALF_DAYS[:3]))
    assert response.status_code == 400
    text = response.content.decode()
    assert "10.50" in text.replace(",", ".") and "15.00" in text.replace(",", ".")
    assert TrainingSession.objects.count() == 1


def test_an_unreadable_half_day_is_a_400_with_the_field_error(client):
    w = training_world()
    client.force_login(w["owner"])
    rows = [("2026-04-13", "am", "9h", "12:30")]
    response = client.post("/formations/sessions/nouvelle/", _session_form(w, rows))
    assert response.status_code == 400 and "errorlist" in response.content.decode()


@pytest.mark.parametrize("who", ["admin", "alice", "accountant"])
def test_only_the_providers_editors_schedule_sessions(client, who):
    w = training_world()
    client.force_login(w[who])
    assert client.get("/formations/sessions/nouvelle/").status_code == 404
    assert client.post("/formations/sessions/nouvelle/", _session_form(w)).status_code == 404


def test_a_quote_enrols_the_clients_people_and_names_the_unknown(client):
    w = training_world()
    client.force_login(w["owner"])
    with time_machine.travel(ORDERED, tick=False):
        refused = client.post(
            "/formations/devis/nouveau/",
            {
                "session": w["session"].pk,
                "client": w["client"].pk,
                "participants": f"{w['alice'].email}\nnobody@elsewhere.example",
            },
        )
        assert refused.status_code == 400
        assert "nobody@elsewhere.example" in refused.content.decode()
        response = client.post(
            "/formations/devis/nouveau/",
            {
                "session": w["session"].pk,
                "client": w["client"].pk,
                "participants": f"{w['alice'].email.upper()}, {w['bob'].email}",
            },
        )
    quote = Quote.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/formations/devis/{quote.pk}/"
    assert quote.enrolments.count() == 2
    assert AuditEntry.objects.filter(action="training.quote_created", actor=w["owner"]).exists()


def test_participants_are_added_and_withdrawn_until_the_first_half_day(client):
    w = training_world()
    quote = quote_of(w, w["alice"])
    client.force_login(w["admin"])
    url = f"/formations/devis/{quote.pk}/participants/"
    with time_machine.travel(ORDERED, tick=False):
        assert client.post(url, {"email": "not-an-email"}).status_code == 400
        assert client.post(url, {"email": w["bob"].email}).status_code == 302
    quote.refresh_from_db()
    assert quote.enrolments.filter(status=EnrolmentStatus.ACTIVE).count() == 2
    bob = Enrolment.objects.get(participant=w["bob"])
    with time_machine.travel(FIRST_START, tick=False):
        frozen = client.post(url, {"email": w["owner"].email})
        assert frozen.status_code == 400
        withdrawn = client.post(f"/formations/devis/{quote.pk}/participants/{bob.pk}/retirer/")
    assert withdrawn.status_code == 302
    bob.refresh_from_db()
    assert bob.status == EnrolmentStatus.WITHDRAWN and bob.affects_funding is False


def test_funding_then_agreement_from_the_quote_page(client):
    w = training_world(price="1600.00")
    quote = quote_of(w)
    client.force_login(w["admin"])
    with time_machine.travel(ORDERED, tick=False):
        page = client.get(f"/formations/devis/{quote.pk}/").content.decode()
        assert "Demander une prise en charge" in page
        response = client.post(
            f"/formations/devis/{quote.pk}/financement/",
            {"funder": w["funder"].pk, "file_number": "AT-2026-1", "amount_ht": "3200.00"},
        )
        assert response.status_code == 302
        # The client's administrator does not record the OPCO's agreement: staff do.
        refused = client.post(
            f"/formations/devis/{quote.pk}/accord/",
            {
                "reference": "ACC-1",
                "covered_ht": "3000",
                "covered_hours": "30",
                "received_at": "2026-01-05T08:00",
            },
        )
        assert refused.status_code == 403
        client.force_login(w["owner"])
        owner_page = client.get(f"/formations/devis/{quote.pk}/").content.decode()
        assert "Enregistrer l'accord" in owner_page
        future = client.post(
            f"/formations/devis/{quote.pk}/accord/",
            {
                "reference": "ACC-1",
                "covered_ht": "3000",
                "covered_hours": "30",
                "received_at": "2026-01-06T08:00",
            },
        )
        assert future.status_code == 400 and "futur" in future.content.decode()
        done = client.post(
            f"/formations/devis/{quote.pk}/accord/",
            {
                "reference": "ACC-1",
                "covered_ht": "3000",
                "covered_hours": "30",
                "received_at": "2026-01-05T08:00",
            },
        )
    assert done.status_code == 302
    request = FundingRequest.objects.get()
    assert request.agreement_reference == "ACC-1" and request.covered_hours == 30
    assert request.agreement_received_at.hour == 7  # 08:00 in Paris, 07:00 UTC
    assert AuditEntry.objects.filter(
        action="training.agreement_recorded", actor=w["owner"]
    ).exists()


def test_a_quote_under_3000_is_refused_subrogation_with_the_clause(client):
    w = training_world(price="1499.99")
    quote = quote_of(w)
    client.force_login(w["owner"])
    with time_machine.travel(ORDERED, tick=False):
        response = client.post(
            f"/formations/devis/{quote.pk}/financement/",
            {"funder": w["funder"].pk, "file_number": "AT-1", "amount_ht": "2999.98"},
        )
    assert response.status_code == 400 and "8.2.4" in response.content.decode()


def test_the_board_groups_requests_by_opco_with_status_deadline_and_what_is_missing(client):
    w = training_world()
    pending_quote = quote_of(w)
    client.force_login(w["accountant"])
    empty = client.get("/formations/financements/").content.decode()
    assert "Aucune demande de prise en charge" in empty
    with time_machine.travel(ORDERED, tick=False):
        from clausier.training import services

        services.request_funding(
            now=ORDERED,
            actor=w["admin"],
            quote=pending_quote,
            funder=w["funder"],
            file_number="AT-9",
            amount_ht=pending_quote.price_ht,
        )
        page = unescape(client.get("/formations/financements/").content.decode())
    assert "OPCO Atlas" in page and "AT-9" in page and "en attente d'accord" in page
    assert "l'accord de l'OPCO avant le 2026-03-09" in page
    with time_machine.travel(FIRST_START + timedelta(minutes=1), tick=False):
        late = unescape(client.get("/formations/financements/").content.decode())
    assert "trop tard" in late
    with time_machine.travel(ORDERED, tick=False):
        assert (
            client.post(
                f"/formations/devis/{pending_quote.pk}/refus/",
                {"reason": " ", "received_at": "2026-01-05T08:00"},
            ).status_code
            == 400
        )
        refused = client.post(
            f"/formations/devis/{pending_quote.pk}/refus/",
            {"reason": "Hors critères", "received_at": "2026-01-05T08:00"},
        )
        assert refused.status_code == 302
        only_refused = client.get("/formations/financements/?statut=refused").content.decode()
        assert "Hors critères" in only_refused
        assert (
            "Aucune demande dans ce statut"
            in client.get("/formations/financements/?statut=paid").content.decode()
        )
    assert AuditEntry.objects.filter(action="training.funding_refused").exists()


def test_after_the_training_the_board_lists_the_documents_for_the_opco(client):
    w = training_world()
    quote = quote_of(w)
    funded(w, quote)
    client.force_login(w["owner"])
    with time_machine.travel(AFTER, tick=False):
        page = unescape(client.get("/formations/financements/").content.decode())
    assert "accord reçu" in page
    assert "4 demi-journée(s) à valider" in page and "2 certificat(s)" in page


@pytest.mark.parametrize("who", ["admin", "alice"])
def test_the_board_is_for_staff_only(client, who):
    w = training_world()
    client.force_login(w[who])
    assert client.get("/formations/financements/").status_code == 404


@pytest.mark.parametrize(
    ("lang", "word"),
    [("fr", "Programmer une session"), ("de", "Sitzung planen"), ("en", "Schedule a session")],
)
def test_the_staff_forms_in_three_languages(client, lang, word):
    w = training_world()
    w["owner"].language = lang
    w["owner"].save()
    client.force_login(w["owner"])
    assert word in client.get("/formations/sessions/nouvelle/").content.decode()
