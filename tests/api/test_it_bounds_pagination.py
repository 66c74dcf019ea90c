"""List endpoints refuse an offset or limit beyond their documented bounds with 422.

`offset=9223372036854775808` reached SQLite ("datatype mismatch", a 500) on every list.
"""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.models import Role
from clausier.api.api import api
from clausier.apikit.pagination import MAX_LIMIT, MAX_OFFSET
from tests.api.test_isolation import schema_operations
from tests.helpers import make_provider, make_staff

pytestmark = pytest.mark.django_db
LISTS = sorted(
    path
    for method, path in schema_operations()
    if method == "GET" and path in {"/api/" + p for p in ("plans", "invoices", "clients")}
)


@pytest.fixture
def bearer() -> str:
    owner = make_staff(make_provider(), Role.OWNER)
    _token, secret = services.create_api_token(now=timezone.now(), person=owner, name="t")
    return f"Bearer {secret}"


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "query",
    [
        "offset=9223372036854775808",
        f"offset={MAX_OFFSET + 1}",
        "offset=-1",
        f"limit={MAX_LIMIT + 1}",
        "limit=0",
        "limit=9223372036854775808",
    ],
)
def test_it_answers_422_beyond_the_bounds(client, bearer, path, query):
    response = client.get(f"{path}?{query}", HTTP_AUTHORIZATION=bearer)
    assert response.status_code == 422, response.content
    assert response.json()["code"] == "invalid_payload"


@pytest.mark.parametrize("path", LISTS)
def test_it_answers_the_last_bounds_with_a_page(client, bearer, path):
    response = client.get(
        f"{path}?offset={MAX_OFFSET}&limit={MAX_LIMIT}", HTTP_AUTHORIZATION=bearer
    )
    assert response.status_code == 200
    assert response.json()["items"] == []


def test_every_list_documents_its_bounds():
    for path, methods in api.get_openapi_schema()["paths"].items():
        for parameter in methods.get("get", {}).get("parameters", []):
            if parameter["name"] in ("limit", "offset"):
                assert parameter["schema"].get("maximum") in (MAX_LIMIT, MAX_OFFSET), path
