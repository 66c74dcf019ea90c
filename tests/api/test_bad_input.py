"""Bad input to every endpoint gets a 4xx with a clear message, never a 500, and
changes nothing it should not."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from clausier.accounts.models import ClientOrganisation, Invitation
from tests.api.test_isolation import schema_operations
from tests.api.world import build_world

pytestmark = pytest.mark.django_db

OPERATIONS = sorted(schema_operations())
WITH_BODY = [(m, p) for m, p in OPERATIONS if m in {"POST", "PATCH"}]
WITH_PARAMS = [(m, p) for m, p in OPERATIONS if "{" in p]

GARBAGE_BODIES = [
    "{",
    "[]",
    '"text"',
    "null",
    "123",
    json.dumps({"unexpected": 1}),
    json.dumps({"email": 1, "role": [], "name": {}, "reason": 5, "legal_name": None}),
    json.dumps(
        {
            "email": "x" * 10_000,
            "name": "y" * 10_000,
            "reason": "z" * 10_000,
            "legal_name": "w" * 10_000,
        }
    ),
    json.dumps(
        {"name": "nul\x00byte", "reason": "nul\x00", "email": "a\x00@b.example", "city": "\x00"}
    ),
    json.dumps(
        {"provider_id": 10**30, "client_id": -1, "email_domains": ["gmail.com", "not a domain"]}
    ),
    json.dumps(
        {"language": "xx", "country": "??", "siren": "123", "vat_number": "FR00", "iban": "FR00"}
    ),
]
BAD_IDS = ["abc", "0", "-1", str(10**30), "1.5", "%00"]


def request(
    client: Client,
    method: str,
    path: str,
    body: str | None,
    secret: str,
    content_type: str = "application/json",
) -> Any:
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=body, content_type=content_type)
    return getattr(client, method.lower())(path, **kwargs)


def assert_clear_4xx(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:500])
    if response.get("Content-Type", "").startswith("application/json") and response.content:
        payload = response.json()
        assert payload.get("message") or payload.get("detail"), payload


@pytest.mark.parametrize("caller", ["owner_a", "admin_a1"])
@pytest.mark.parametrize(("method", "path"), WITH_BODY)
def test_garbage_bodies_get_a_clear_4xx(client, caller, method, path):
    world = build_world()
    clients, invitations = ClientOrganisation.objects.count(), Invitation.objects.count()
    url = path.format(**world.ids())
    for body in GARBAGE_BODIES:
        response = request(client, method, url, body, world.secrets[caller])
        if response.status_code in (200, 201, 204):
            # Some garbage is a valid PATCH (e.g. unknown field forbidden, but {} is fine).
            continue
        assert_clear_4xx(response)
    assert ClientOrganisation.objects.count() == clients
    assert Invitation.objects.count() == invitations


@pytest.mark.parametrize(("method", "path"), WITH_BODY)
def test_form_encoded_bodies_are_refused_clearly(client, method, path):
    world = build_world()
    url = path.format(**world.ids())
    response = request(
        client,
        method,
        url,
        "a=1&b=2",
        world.secrets["owner_a"],
        "application/x-www-form-urlencoded",
    )
    assert response.status_code < 500


@pytest.mark.parametrize("bad_id", BAD_IDS)
@pytest.mark.parametrize(("method", "path"), WITH_PARAMS)
def test_bad_identifiers_get_a_4xx(client, method, path, bad_id):
    world = build_world()
    ids = {name: bad_id for name in world.ids()}
    body = json.dumps({"reason": "x", "city": "Nantes"}) if method in {"POST", "PATCH"} else None
    response = request(client, method, path.format(**ids), body, world.secrets["owner_a"])
    assert_clear_4xx(response)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
field_names = st.sampled_from(
    [
        "email",
        "role",
        "language",
        "client_id",
        "provider_id",
        "name",
        "reason",
        "legal_name",
        "city",
        "country",
        "siren",
        "vat_number",
        "iban",
        "bic",
        "email_domains",
        "first_name",
        "billing_email",
    ]
)


@pytest.mark.parametrize(("method", "path"), WITH_BODY)
def test_random_json_never_breaks_an_endpoint(client, method, path):
    world = build_world()
    url = path.format(**world.ids())

    @given(body=st.dictionaries(field_names, json_values, max_size=6) | json_values)
    @hsettings(
        max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None
    )
    def check(body: Any) -> None:
        response = request(client, method, url, json.dumps(body), world.secrets["owner_a"])
        assert response.status_code < 500, (body, response.content[:300])

    check()
