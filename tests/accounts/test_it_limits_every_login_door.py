"""One limiter for every login door: the portal, the back-office and API token creation
count the same failures, per account and per address (issue 9, finding 3)."""

from __future__ import annotations

import json

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import ApiToken, Role
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db
LIMIT = 3


@pytest.fixture(autouse=True)
def _small_limit(settings):
    settings.LOGIN_MAX_FAILURES = LIMIT
    settings.LOGIN_ADDRESS_FACTOR = 4


def portal(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> int:
    data = {"email": email, "password": password}
    return client.post("/connexion/", data, REMOTE_ADDR=ip).status_code


def back_office(client: Client, email: str, password: str, ip: str = "203.0.113.7") -> int:
    data = {"username": email, "password": password, "next": "/admin/"}
    return client.post("/admin/login/", data, REMOTE_ADDR=ip).status_code


def new_token(client: Client, bearer: str, password: str, ip: str = "203.0.113.7") -> tuple:
    response = client.post(
        "/api/tokens",
        json.dumps({"name": "ci", "password": password}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {bearer}",
        REMOTE_ADDR=ip,
    )
    return response.status_code, response.json()


def test_the_portal_refuses_even_the_right_password_once_locked(client):
    member = make_client_user(make_client(make_provider()), Role.CLIENT_MEMBER)
    assert [portal(client, member.email, "nope") for _ in range(LIMIT)] == [400, 400, 429]
    assert portal(client, member.email, PASSWORD) == 429
    assert "_auth_user_id" not in client.session


def test_the_back_office_login_is_limited_too(client):
    owner = make_staff(make_provider(), Role.OWNER)
    statuses = [back_office(client, owner.email, "nope") for _ in range(LIMIT)]
    assert statuses == [200, 200, 429]
    locked = client.post(
        "/admin/login/",
        {"username": owner.email, "password": PASSWORD, "next": "/admin/"},
        REMOTE_ADDR="203.0.113.7",
    )
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.content.decode()
    assert client.get("/admin/").status_code == 302  # still not logged in


def test_creating_an_api_token_asks_the_password_and_is_limited(client):
    member = make_client_user(make_client(make_provider()), Role.CLIENT_ADMIN)
    _token, bearer = services.create_api_token(now=timezone.now(), person=member, name="cli")
    status, body = new_token(client, bearer, "nope")
    assert (status, body["code"]) == (400, "wrong_password")
    new_token(client, bearer, "nope")
    status, body = new_token(client, bearer, "nope")
    assert status == 429
    assert body == {
        "code": "too_many_attempts",
        "message": "Trop de tentatives : réessayez dans quelques minutes.",
        "fields": {},
    }
    status, _body = new_token(client, bearer, PASSWORD)
    assert status == 429
    assert ApiToken.objects.filter(person=member).count() == 1


def test_failures_at_one_door_count_at_the_others(client):
    owner = make_staff(make_provider(), Role.OWNER)
    _token, bearer = services.create_api_token(now=timezone.now(), person=owner, name="cli")
    assert portal(client, owner.email.upper(), "nope") == 400
    assert back_office(client, owner.email, "nope") == 200
    status, _body = new_token(client, bearer, "nope")
    assert status == 429
    assert portal(client, owner.email, PASSWORD) == 429
    # Counted per account: the same account from another address is locked as well.
    assert portal(Client(), owner.email, PASSWORD, ip="198.51.100.9") == 429


def test_one_address_trying_many_accounts_is_stopped_at_four_times_the_limit(client):
    org = make_client(make_provider())
    people = [make_client_user(org, Role.CLIENT_MEMBER) for _ in range(6)]
    spray = [portal(client, person.email, "nope") for person in people for _ in range(2)]
    assert spray[: 4 * LIMIT - 1] == [400] * (4 * LIMIT - 1)
    assert spray[4 * LIMIT - 1] == 429
    # A person at that address with the right password waits too; elsewhere they log in.
    fresh = make_client_user(org, Role.CLIENT_MEMBER)
    assert portal(Client(), fresh.email, PASSWORD) == 429
    assert portal(Client(), fresh.email, PASSWORD, ip="198.51.100.9") == 302


def test_a_successful_login_clears_the_accounts_failures_not_the_addresses(client):
    org = make_client(make_provider())
    member, other = make_client_user(org), make_client_user(org)
    assert portal(client, member.email, "nope") == 400
    assert portal(client, member.email, "nope") == 400
    assert portal(client, member.email, PASSWORD) == 302
    assert not AccessAttempt.objects.filter(username=member.email.lower()).exists()
    client.post("/deconnexion/")
    assert portal(client, member.email, "nope") == 400
    assert portal(client, other.email, "nope") == 400
    assert AccessAttempt.objects.filter(ip_address="203.0.113.7").count() == 2


def test_the_lock_ends_after_the_window(client, settings):
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 900
    member = make_client_user(make_client(make_provider()))
    for _ in range(LIMIT):
        portal(client, member.email, "nope")
    assert portal(client, member.email, PASSWORD) == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timezone.timedelta(seconds=901))
    assert portal(client, member.email, PASSWORD) == 302


@pytest.mark.parametrize(
    ("language", "message"),
    [
        ("fr", "Trop de tentatives"),
        ("de", "Zu viele Versuche"),
        ("en", "Too many attempts"),
    ],
)
def test_the_lockout_message_speaks_the_visitors_language(client, language, message):
    member = make_client_user(make_client(make_provider()))
    client.cookies["django_language"] = language
    for _ in range(LIMIT):
        portal(client, member.email, "nope")
    page = client.post("/connexion/", {"email": member.email, "password": PASSWORD})
    assert page.status_code == 429
    assert message in page.content.decode()


def test_only_superusers_see_and_reset_lockouts_in_the_back_office(client):
    provider = make_provider()
    member = make_client_user(make_client(provider))
    for _ in range(LIMIT):
        portal(Client(), member.email, "nope")
    owner = make_staff(provider, Role.OWNER)
    client.force_login(owner)
    assert client.get("/admin/axes/accessattempt/").status_code == 403
    from clausier.accounts.models import Person

    root = Person.objects.create_superuser("root@clausier.example", PASSWORD)
    client.force_login(root)
    page = client.get("/admin/axes/accessattempt/")
    assert page.status_code == 200 and member.email.lower() in page.content.decode()
    attempt = AccessAttempt.objects.get(username=member.email.lower())
    client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert portal(Client(), member.email, PASSWORD) == 302
