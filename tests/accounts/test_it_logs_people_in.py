from __future__ import annotations

import pytest

from clausier.accounts.models import Role
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def member():
    return make_client_user(make_client(make_provider(), "Boulangerie"), Role.CLIENT_MEMBER)


def test_the_login_page_is_french_by_default(client):
    page = client.get("/connexion/")
    assert page.status_code == 200
    assert 'lang="fr"' in page.content.decode()
    assert "Connexion" in page.content.decode()


def test_the_email_is_case_insensitive(client, member):
    response = client.post("/connexion/", {"email": member.email.upper(), "password": PASSWORD})
    assert response.status_code == 302


def test_a_wrong_password_is_refused_without_saying_which_part_is_wrong(client, member):
    response = client.post("/connexion/", {"email": member.email, "password": "nope"})
    assert response.status_code == 400
    assert "incorrect" in response.content.decode()


def test_it_rate_limits_failed_logins(client, member, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        assert (
            client.post("/connexion/", {"email": member.email, "password": "nope"}).status_code
            == 400
        )
    # The failure that reaches the limit is already refused, and so is the right password.
    third = client.post("/connexion/", {"email": member.email, "password": "nope"})
    assert third.status_code == 429
    locked = client.post("/connexion/", {"email": member.email, "password": PASSWORD})
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()


def test_a_successful_login_resets_the_count(client, member, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(2):
        client.post("/connexion/", {"email": member.email, "password": "nope"})
    assert (
        client.post("/connexion/", {"email": member.email, "password": PASSWORD}).status_code == 302
    )
    client.post("/deconnexion/")
    for _ in range(2):
        assert (
            client.post("/connexion/", {"email": member.email, "password": "nope"}).status_code
            == 400
        )


def test_next_never_redirects_off_site(client, member):
    response = client.post(
        "/connexion/?next=https://evil.example/", {"email": member.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_the_profile_changes_language_and_password(client, member):
    client.force_login(member)
    response = client.post(
        "/profil/", {"form": "profile", "first_name": "Léa", "last_name": "Petit", "language": "de"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.language == "de"
    assert 'lang="de"' in client.get("/profil/").content.decode()
    response = client.post(
        "/profil/",
        {
            "form": "password",
            "old_password": PASSWORD,
            "new_password1": "Neues-Passwort-99",
            "new_password2": "Neues-Passwort-99",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.check_password("Neues-Passwort-99")


def test_pages_need_a_login(client):
    for url in ("/", "/profil/", "/organisations/1/membres/"):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/connexion/")


def test_unknown_pages_are_a_friendly_404(client):
    response = client.get("/nulle-part/")
    assert response.status_code == 404
