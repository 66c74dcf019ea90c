"""/api/docs renders from the package's own static files: nothing is fetched from a CDN,
so the page works on a machine with no network (issue 16)."""

from __future__ import annotations

import re

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

pytestmark = pytest.mark.django_db

ASSET = re.compile(r"""(?:src|href)=["']([^"']+)["']""")


def test_the_docs_page_references_no_external_url(client: Client) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assets = ASSET.findall(page)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets), page
    assert not [a for a in assets if "//" in a], assets
    assert "cdn" not in page.lower()
    for asset in assets:
        if asset.startswith("/static/"):
            assert finders.find(asset.removeprefix("/static/")), asset
            assert client.get(asset).status_code == 200, asset


def test_the_swagger_init_script_fetches_only_our_openapi(client: Client) -> None:
    script = finders.find("ninja/swagger-ui-init.js")
    assert script
    with open(script, encoding="utf-8") as handle:
        assert not re.search(r"https?://", handle.read())
