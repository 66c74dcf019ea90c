"""Two more journeys in a real headless Chromium against the live server.

- A person who already has an account is invited by a second organisation: the page asks
  for the existing password only, refuses a wrong one without losing the invitation, and
  adds the access with the right one.
- A client admin terminates a coaching subscription within its commitment: the page shows
  the instalments that stay due, each at its own date (coaching art. 9.1.3, 17), refuses
  a submission without the confirmation box, and records the notice once confirmed. The
  page is read at 390 px wide too, without horizontal scrolling.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Role, ServiceLine
from clausier.accounts.services import invite
from clausier.billing import services
from clausier.billing.models import Invoice
from tests.billing.builders import billing_world
from tests.browser.test_portal_in_a_browser import Page
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(browser: Any, live_server: Any) -> Page:
    return Page(browser, live_server.url)


def no_horizontal_scroll(page: Page) -> bool:
    return bool(
        page.driver.execute_script(
            "return document.documentElement.scrollWidth <= window.innerWidth"
        )
    )


def test_an_existing_account_accepts_a_second_invitation_with_its_own_password(
    page: Page, live_server: Any, screenshot: Callable[[str], Path]
) -> None:
    first = make_client(make_provider("Kalanda"), "Boulangerie")
    lea = make_client_user(first, Role.CLIENT_ADMIN, email="lea.martin@boulangerie.example")
    lea.first_name, lea.last_name = "Léa", "Martin"
    lea.save()
    second_provider = make_provider("Kestio")
    second = make_client(second_provider, "Boulangerie")
    owner = make_staff(second_provider, Role.OWNER)
    _invitation, token = invite(
        now=timezone.now(),
        actor=owner,
        provider=second_provider,
        client=second,
        email=lea.email,
        role=Role.CLIENT_MEMBER,
    )
    link = f"{live_server.url}/invitation/{token}/"

    page.open(link)
    assert page.text("h1") == "Activation du compte"
    assert "Vous avez déjà un compte" in page.text()
    # Only the password: no name to give, nothing to confirm.
    assert page.driver.find_elements("css selector", "#id_first_name") == []
    assert page.driver.find_elements("css selector", "#id_password_confirm") == []
    screenshot("existing account asked for its password")

    page.fill({"id_password": "not-the-password"})
    page.submit()
    assert page.path() == f"/invitation/{token}/"
    assert "Vous avez déjà un compte" in page.text()
    assert page.find(".errorlist").text  # the refusal is said, on the field
    assert not Membership.objects.filter(person=lea, client=second).exists()
    screenshot("wrong password refused")

    page.fill({"id_password": PASSWORD})
    page.submit()
    assert page.path() == "/"
    assert "Votre compte est activé" in page.text(".messages .success")
    assert "Bonjour Léa Martin" in page.text("h1")  # the name given before is kept
    table = page.text("table")
    assert first.legal_name in table and second.legal_name in table
    screenshot("both organisations on the home page")
    assert Membership.objects.get(person=lea, client=second).role == Role.CLIENT_MEMBER

    # The link is spent.
    page.open(link)
    assert "déjà été utilisé" in page.text(".error")


def test_a_client_admin_sees_the_instalments_still_due_and_terminates_a_coaching_plan(
    page: Page, screenshot: Callable[[str], Path]
) -> None:
    # Ordered and paid four months ago, monthly, twelve months of commitment.
    ordered = timezone.now() - timedelta(days=120)
    w = billing_world(ServiceLine.COACHING_TRAINING, ordered, "1.1")
    subscription = services.subscribe(
        now=ordered, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ordered, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    start: date = subscription.start_date

    page.log_in(w["admin"].email, PASSWORD)
    page.open("/abonnements/")
    assert subscription.label in page.text("table")
    page.navigates(page.find(f"a[href='/abonnements/{subscription.pk}/resilier/']").click)
    assert page.text("h1").startswith("Résilier l'abonnement")
    main = page.text()
    assert "Chacune reste facturée et payable à sa date." in main
    assert "Art. 9.1.3" in main
    # One row per instalment still to come; each at 390,00 € HT.
    rows = page.driver.find_elements("css selector", "main table tbody tr")
    assert 6 <= len(rows) <= 9, [r.text for r in rows]
    assert all(re.search(r"390,00\s?€", r.text) for r in rows)
    screenshot("schedule before confirming")

    page.driver.set_window_size(390, 900)
    page.open(f"/abonnements/{subscription.pk}/resilier/")
    assert no_horizontal_scroll(page), "the termination page scrolls sideways at 390 px"
    screenshot("schedule at 390 px")
    page.driver.set_window_size(1280, 1400)

    # Without the box ticked, nothing happens and the page says why.
    page.submit("main form")
    assert "Cochez la case de confirmation" in page.text(".messages")
    subscription.refresh_from_db()
    assert subscription.end_date is None

    page.find("main form input[name=confirm]").click()
    page.submit("main form")
    assert page.path() == "/abonnements/"
    assert "Résiliation enregistrée" in page.text(".messages .success")
    subscription.refresh_from_db()
    # The end of the twelve-month commitment; no one-off balance invoice.
    assert subscription.end_date == start.replace(year=start.year + 1)
    assert not Invoice.objects.filter(idempotency_key__startswith="termination").exists()
    screenshot("terminated")
