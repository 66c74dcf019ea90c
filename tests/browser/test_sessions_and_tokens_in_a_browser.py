"""The profile's security pages in a real Chromium, at 1280 px and 390 px: a person
creates an API token (shown once, on screen, no sideways scroll), revokes it, then logs
out everywhere else and a second browser session is signed out."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from clausier.accounts.models import ApiToken
from tests.browser.test_each_role_in_a_browser import (
    WIDTHS,
    _fits,
    _log_in,
    _on_screen,
    _page,
)
from tests.browser.test_each_role_in_a_browser import world as world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_token_is_created_shown_once_and_revoked_then_other_sessions_end(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    admin = world["admin"]
    elsewhere = Client()
    elsewhere.force_login(admin)
    assert elsewhere.get("/factures/").status_code == 200

    page = _page(browser, live_server, width)
    _log_in(page, admin.email)
    page.open("/profil/")
    page.navigates(page.find("main a[href='/profil/jetons/']").click)
    _fits(page)
    page.fill({"token-name": "Export comptable"})
    page.submit()
    secret = _on_screen(page, "#new-token").text
    _fits(page)
    token = ApiToken.objects.get(person=admin)
    assert token.token_hash == ApiToken.hash_token(secret)
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    page.navigates(_on_screen(page, "main table form button.danger").click)
    assert "Jeton révoqué" in page.text()
    assert secret not in page.text()
    assert Client().get("/api/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401

    page.open("/profil/sessions/")
    _fits(page)
    assert "Cette session" in page.text()
    page.navigates(_on_screen(page, "main form button.danger").click)
    assert "Déconnecté partout ailleurs" in page.text()
    assert elsewhere.get("/factures/").status_code == 302
    page.open("/factures/")
    assert page.path() == "/factures/"
