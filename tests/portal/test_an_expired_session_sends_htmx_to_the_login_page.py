"""An htmx request whose session has ended (expired, or logged out everywhere) is not
answered with the login page swapped into a fragment: it gets `HX-Redirect` to the login
page, coming back to the page the person was on (`HX-Current-URL`, this host only). A CSRF
failure on an htmx request makes the page reload; without htmx the login redirect stays,
and a CSRF failure shows the portal's own page (docs/portal.md "HTMX")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db.models import F
from django.test import Client
from django.utils import timezone

from clausier.accounts.models import Person, ServiceLine
from clausier.support.services import tickets
from tests.billing.builders import billing_world
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def hx(current_url: str = "http://testserver/support/tickets/7/") -> dict[str, str]:
    return {"HTTP_HX_REQUEST": "true", "HTTP_HX_CURRENT_URL": current_url}


def test_an_htmx_post_without_a_session_is_sent_to_the_login_page_of_its_page(client):
    w = support_world()
    ticket = tickets.open_ticket(
        now=timezone.now(),
        client=w["client"],
        subject="Site lent",
        body="Depuis 8 h",
        channel="portal",
        actor=w["admin"],
    )
    page = f"http://testserver/support/tickets/{ticket.pk}/"
    answer = client.post(f"/support/tickets/{ticket.pk}/", {"body": "On regarde"}, **hx(page))
    assert answer.status_code == 200 and answer.content == b""
    assert answer["HX-Redirect"] == f"/connexion/?next=/support/tickets/{ticket.pk}/"
    assert "no-store" in answer["Cache-Control"]


def test_a_session_logged_out_everywhere_is_sent_there_too_with_the_query_kept(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    client.force_login(w["accountant"])
    assert client.get("/espace/clients/?q=zeta", **hx()).status_code == 200
    # What "Se déconnecter partout" does to the other sessions: their hash no longer holds.
    Person.objects.filter(pk=w["accountant"].pk).update(session_epoch=F("session_epoch") + 1)
    answer = client.get(
        "/espace/clients/?q=zeta", **hx("http://testserver/espace/clients/?q=zeta&page=2")
    )
    assert answer.status_code == 200
    assert answer["HX-Redirect"] == "/connexion/?next=/espace/clients/%3Fq%3Dzeta%26page%3D2"


@pytest.mark.parametrize(
    "current_url", ["https://evil.example/espace/", "", "javascript:alert(1)", "//evil.example/"]
)
def test_a_page_address_from_another_host_is_not_followed(client, current_url):
    answer = client.get("/espace/clients/", **hx(current_url))
    assert answer["HX-Redirect"] == "/connexion/"


def test_without_htmx_the_login_redirect_is_unchanged(client):
    answer = client.get("/espace/clients/")
    assert answer.status_code == 302
    assert answer["Location"] == "/connexion/?next=/espace/clients/"
    assert "HX-Redirect" not in answer


def test_a_csrf_failure_on_an_htmx_request_reloads_the_page():
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(w["accountant"])
    answer = browser.post("/profil/", {"first_name": "A"}, **hx())
    assert answer.status_code == 403 and answer["HX-Refresh"] == "true"
    assert answer.content == b""


def test_a_csrf_failure_without_htmx_says_so_on_the_portals_page():
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(w["accountant"])
    answer = browser.post("/profil/", {"first_name": "A"})
    assert answer.status_code == 403 and "HX-Refresh" not in answer
    html = answer.content.decode()
    assert "Formulaire expiré" in html and "Rechargez la page" in html and "<style" not in html


@pytest.mark.parametrize(
    ("language", "title"), [("de", "Formular abgelaufen"), ("en", "Form expired")]
)
def test_the_csrf_failure_page_speaks_the_persons_language(language, title):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    Person.objects.filter(pk=w["accountant"].pk).update(language=language)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(w["accountant"])
    assert title in browser.post("/profil/", {"first_name": "A"}).content.decode()
