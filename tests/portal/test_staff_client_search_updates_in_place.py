"""The staff client search with and without JavaScript (docs/portal.md "HTMX"): htmx asks
for the results alone (search as one types, the pager's links) and gets them, paged by
25, scoped to the staff's provider; without JavaScript the same address gives the whole
page. Both answers vary on `HX-Request`."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.accounts.models import ServiceLine
from tests.billing.builders import billing_world
from tests.helpers import make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def world(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    for n in range(30):
        make_client(w["provider"], f"Zeta{n:02d}")
    make_client(make_provider("Autre"), "Zetaetranger")
    client.force_login(w["accountant"])
    return w


def test_htmx_gets_the_results_alone_paged_and_scoped(client, world):
    first = client.get("/espace/clients/?q=zeta", **HX)
    html = first.content.decode()
    assert first.status_code == 200 and "HX-Request" in first["Vary"]
    assert "<html" not in html and 'id="id_q"' not in html
    assert html.count(">Zeta") == 25 and "Page 1 sur 2" in html
    assert 'hx-boost="true"' in html and 'href="?q=zeta&amp;page=2"' in html
    second = client.get("/espace/clients/?q=zeta&page=2", **HX).content.decode()
    assert second.count(">Zeta") == 5 and "Zetaetranger" not in second


def test_htmx_no_match_says_what_to_do_next(client, world):
    html = client.get("/espace/clients/?q=nope", **HX).content.decode()
    assert "Aucun client ne correspond" in html and 'href="/espace/clients/"' in html


@pytest.mark.parametrize("query", ["'%;--", "z" * 500, "\u202e\u0000"])
def test_odd_searches_are_answered_not_a_500(client, world, query):
    assert client.get("/espace/clients/", {"q": query}, **HX).status_code == 200
    assert client.get("/espace/clients/", {"q": query, "page": "x"}).status_code == 200


def test_without_javascript_the_same_address_gives_the_page(client, world):
    page = client.get("/espace/clients/?q=zeta&page=2").content.decode()
    assert "<html" in page and 'id="id_q"' in page and 'value="zeta"' in page
    assert page.count(">Zeta") == 5
    assert 'hx-get="/espace/clients/"' in page and 'hx-trigger="input changed delay:400ms' in page


def test_a_client_admin_gets_no_fragment(client, world):
    client.force_login(make_client_user(world["client"]))
    assert client.get("/espace/clients/?q=zeta", **HX).status_code == 404
