"""The profile's security pages (issue 16): open sessions, "log out everywhere", and
personal API tokens, stored hashed and shown once."""

from __future__ import annotations

import pytest
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client

from clausier.accounts.models import ApiToken, Role, SignedInSession
from clausier.core.models import AuditEntry
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db


def _login(email: str, agent: str) -> Client:
    browser = Client(HTTP_USER_AGENT=agent)
    page = browser.post("/connexion/", {"email": email, "password": PASSWORD})
    assert page.status_code == 302, page.content
    return browser


@pytest.fixture
def person():
    return make_client_user(make_client(make_provider("Kalanda")), Role.CLIENT_ADMIN)


def test_each_login_is_listed_with_its_browser_and_the_current_one_marked(person):
    laptop = _login(person.email, "Firefox/133 laptop")
    _login(person.email, "Safari phone")
    html = laptop.get("/profil/sessions/").content.decode()
    assert "Firefox/133 laptop" in html and "Safari phone" in html
    assert html.count("Cette session") == 1
    # The key is sealed: neither it nor its hash's source appears in clear.
    for record in SignedInSession.objects.all():
        assert Session.objects.filter(session_key=record.sealed_key).exists()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sealed_key FROM {SignedInSession._meta.db_table}")
        raw = {row[0] for row in cursor.fetchall()}
    assert all(value.startswith("gAAAAA") for value in raw)  # Fernet tokens
    assert not raw & set(Session.objects.values_list("session_key", flat=True))


def test_ending_one_session_signs_that_browser_out(person):
    laptop = _login(person.email, "laptop")
    phone = _login(person.email, "phone")
    other = SignedInSession.objects.get(user_agent="phone")
    assert laptop.post(f"/profil/sessions/{other.pk}/fermer/").status_code == 302
    assert phone.get("/factures/").status_code == 302  # back to the login page
    assert laptop.get("/factures/").status_code == 200
    assert AuditEntry.objects.filter(action="person.session_ended").count() == 1
    # Another person's session, or the current one, is not found.
    mine = SignedInSession.objects.get(user_agent="laptop")
    assert laptop.post(f"/profil/sessions/{mine.pk}/fermer/").status_code == 404


def test_log_out_everywhere_ends_every_other_session_even_unrecorded_ones(person):
    laptop = _login(person.email, "laptop")
    phone = _login(person.email, "phone")
    forced = Client()
    forced.force_login(person)
    SignedInSession.objects.filter(user_agent="").delete()  # as if opened before the page
    assert forced.get("/factures/").status_code == 200
    page = laptop.post("/profil/sessions/partout/", follow=True)
    assert "1 session fermée" in page.content.decode()
    assert phone.get("/factures/").status_code == 302
    assert forced.get("/factures/").status_code == 302
    assert laptop.get("/factures/").status_code == 200  # this one stays
    entry = AuditEntry.objects.get(action="person.logged_out_everywhere")
    assert entry.details == {"sessions": 1}


def test_logging_out_forgets_the_session(person):
    laptop = _login(person.email, "laptop")
    assert SignedInSession.objects.count() == 1
    laptop.post("/deconnexion/")
    assert SignedInSession.objects.count() == 0


def test_a_token_is_shown_once_stored_hashed_and_revocable(person):
    browser = _login(person.email, "laptop")
    page = browser.post("/profil/jetons/", {"name": "Script de compta"})
    assert page.status_code == 200
    assert page["Cache-Control"] == "no-store"
    html = page.content.decode()
    token = ApiToken.objects.get()
    secret = html.split('<code id="new-token">')[1].split("</code>")[0]
    assert secret.startswith(token.prefix)
    assert token.token_hash == ApiToken.hash_token(secret) and secret not in token.token_hash
    # The API accepts it.
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    # Listed afterwards without the secret.
    again = browser.get("/profil/jetons/").content.decode()
    assert "Script de compta" in again and secret not in again
    assert browser.post(f"/profil/jetons/{token.pk}/revoquer/").status_code == 302
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert browser.post(f"/profil/jetons/{token.pk}/revoquer/").status_code == 404


def test_a_token_needs_a_name(person):
    browser = _login(person.email, "laptop")
    page = browser.post("/profil/jetons/", {"name": "  "})
    assert page.status_code == 400
    assert ApiToken.objects.count() == 0


def test_someone_elses_token_is_not_found(person):
    other = make_client_user(make_client(make_provider("Kestio")), Role.CLIENT_ADMIN)
    theirs = ApiToken.objects.create(person=other, name="x", prefix="p", token_hash="h" * 64)
    browser = _login(person.email, "laptop")
    assert browser.post(f"/profil/jetons/{theirs.pk}/revoquer/").status_code == 404
    assert "Aucun jeton" in browser.get("/profil/jetons/").content.decode()
