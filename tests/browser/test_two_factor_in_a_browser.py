"""Staff two-factor login in a real Chromium, at 1280 px and 390 px (issue 16): the owner
enrols an authenticator from the server-drawn QR code's key with a TOTP computed here as
an app would, sees the recovery codes once, requires two-factor of every staff member,
then logs in again: the password, then a code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from clausier.accounts.models import TwoFactorDevice
from tests.accounts.test_it_asks_staff_for_a_totp_code import rfc6238
from tests.browser.test_each_role_in_a_browser import WIDTHS, _fits, _log_in, _on_screen, _page
from tests.browser.test_each_role_in_a_browser import world as world
from tests.helpers import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_owner_enrols_then_logs_in_with_a_code(
    browser: Any, live_server: Any, world: dict[str, Any], width: int
) -> None:
    owner = world["owner"]
    page = _page(browser, live_server, width)
    _log_in(page, owner.email)
    page.open("/profil/")
    page.navigates(page.find("main a[href='/profil/double-authentification/']").click)
    _fits(page)
    qr = _on_screen(page, "#totp-qr svg")
    assert qr.size["width"] >= 100
    secret = _on_screen(page, "#totp-secret").text
    page.fill({"confirm-code": rfc6238(secret, datetime.now(UTC))})
    page.navigates(_on_screen(page, "button[value=confirm]").click)
    assert "Double authentification activée" in page.text("body")
    codes = page.find("#recovery-codes").text.split()
    assert len(codes) == 10
    _fits(page)
    assert TwoFactorDevice.objects.get(person=owner).confirmed_at is not None

    box = page.find(f"#require-{world['provider'].pk}")
    if not box.is_selected():
        box.click()
    page.navigates(_on_screen(page, "form input[value=require] ~ button").click)
    assert "Règle enregistrée" in page.text("body")
    world["provider"].refresh_from_db()
    assert world["provider"].staff_two_factor_required

    # A new browser session: the password, then the code of the app (the next step's,
    # which the drift window accepts, since this step's code was spent on enrolment).
    page.driver.delete_all_cookies()
    page.open("/connexion/")
    page.fill({"id_email": owner.email, "id_password": PASSWORD})
    page.submit()
    assert page.path() == "/connexion/code/"
    _fits(page)
    page.fill({"id_code": "000000"})
    page.submit()
    assert "Code incorrect" in page.text()
    page.fill({"id_code": rfc6238(secret, datetime.now(UTC) + timedelta(seconds=30))})
    page.submit()
    page.wait.until(lambda d: page.path() == "/")
    _fits(page)
