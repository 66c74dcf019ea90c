"""A person who already has an account accepts an invitation with their own password.

The page showed only the password field, but the form still required the hidden
confirmation: every attempt answered 400 with no visible error.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import Membership, Person, Role
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db
EMAIL = "nina@boulangerie.example"


def invited_existing_account() -> tuple[Person, str, object]:
    kalanda, kestio = make_provider("Kalanda"), make_provider("Kestio")
    bakery = make_client(kalanda, "Boulangerie", email_domains=["boulangerie.example"])
    admin = make_client_user(bakery, Role.CLIENT_ADMIN, "admin@boulangerie.example")
    # Nina already works with Kestio, with her own account and password.
    nina = make_staff(kestio, Role.ENGINEER, email=EMAIL)
    _invitation, token = services.invite(
        now=timezone.now(),
        actor=admin,
        provider=kalanda,
        client=bakery,
        email=EMAIL,
        role=Role.CLIENT_MEMBER,
    )
    return nina, token, bakery


def test_the_page_asks_only_for_the_accounts_password(client):
    _nina, token, _bakery = invited_existing_account()
    page = client.get(f"/invitation/{token}/").content.decode()
    assert 'name="password"' in page
    assert 'name="password_confirm"' not in page
    assert 'name="first_name"' not in page


def test_the_accounts_password_accepts_the_invitation(client):
    nina, token, bakery = invited_existing_account()
    response = client.post(f"/invitation/{token}/", {"password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.get(person=nina, client=bakery).role == Role.CLIENT_MEMBER
    nina.refresh_from_db()
    assert nina.check_password(PASSWORD)
    assert client.get("/").wsgi_request.user == nina


def test_a_wrong_password_is_refused_with_a_visible_error(client):
    nina, token, bakery = invited_existing_account()
    response = client.post(f"/invitation/{token}/", {"password": "Pas-le-bon-42"})
    assert response.status_code == 400
    assert "saisissez son mot de passe" in response.content.decode()
    assert not Membership.objects.filter(person=nina, client=bakery).exists()
    nina.refresh_from_db()
    assert nina.check_password(PASSWORD)


def test_an_empty_password_is_refused_with_a_visible_error(client):
    nina, token, bakery = invited_existing_account()
    response = client.post(f"/invitation/{token}/", {"password": ""})
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert not Membership.objects.filter(person=nina, client=bakery).exists()


def test_a_new_account_still_confirms_its_password(client):
    kalanda = make_provider("Kalanda")
    bakery = make_client(kalanda, "Boulangerie", email_domains=["boulangerie.example"])
    admin = make_client_user(bakery, Role.CLIENT_ADMIN, "admin@boulangerie.example")
    _invitation, token = services.invite(
        now=timezone.now(), actor=admin, provider=kalanda, client=bakery, email=EMAIL, role="member"
    )
    response = client.post(
        f"/invitation/{token}/",
        {"password": "Un-mot-de-passe-42", "password_confirm": "Un-autre-mot-42"},
    )
    assert response.status_code == 400
    assert "ne sont pas identiques" in response.content.decode()
    assert not Person.objects.filter(email=EMAIL).exists()
