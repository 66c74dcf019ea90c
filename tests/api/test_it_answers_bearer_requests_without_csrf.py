"""A request carrying a bearer token is judged by its token, never by CSRF.

A bad or revoked token on a write used to answer 403 "CSRF check Failed" (the session
authenticator ran its CSRF check after the token was refused); it answers 401 now, in
the documented error shape. The session itself keeps its CSRF check.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import ApiToken, Role
from tests.helpers import PASSWORD, make_provider, make_staff

pytestmark = pytest.mark.django_db
BODY = json.dumps({"name": "ci", "password": PASSWORD})


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def test_it_answers_401_to_a_write_with_an_unknown_token():
    response = csrf_client().post(
        "/api/tokens", data=BODY, content_type="application/json", HTTP_AUTHORIZATION="Bearer nope"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
    assert set(response.json()) == {"code", "message", "fields"}


def test_it_answers_401_to_a_write_with_a_revoked_token():
    owner = make_staff(make_provider(), Role.OWNER)
    token, secret = services.create_api_token(now=timezone.now(), person=owner, name="old")
    services.revoke_api_token(now=timezone.now(), person=owner, token=token)
    response = csrf_client().post(
        "/api/tokens",
        data=BODY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 401
    assert ApiToken.objects.filter(person=owner).count() == 1


def test_it_answers_401_to_an_anonymous_write():
    response = csrf_client().post("/api/tokens", data=BODY, content_type="application/json")
    assert response.status_code == 401


def test_a_good_token_writes_without_any_csrf_token():
    owner = make_staff(make_provider(), Role.OWNER)
    _token, secret = services.create_api_token(now=timezone.now(), person=owner, name="ci")
    response = csrf_client().post(
        "/api/tokens",
        data=BODY,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 201


def test_a_session_write_without_its_csrf_token_is_still_refused():
    owner = make_staff(make_provider(), Role.OWNER)
    client = csrf_client()
    client.force_login(owner)
    response = client.post("/api/tokens", data=BODY, content_type="application/json")
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    assert ApiToken.objects.filter(person=owner).count() == 0
