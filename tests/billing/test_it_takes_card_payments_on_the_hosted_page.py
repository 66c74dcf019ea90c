"""Card payment on the gateway's hosted page (issue 16; coaching art. 8.2.1-8.2.2): the
client administrator leaves for the gateway's page, the signed webhook (not the return)
records the payment once, and a declined card mails the client while the invoice stays
due. The test gateway plays Stripe's page and webhook (PAYMENT_HOSTED_PAGE=test)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services
from clausier.billing.models import GatewayAccount, Invoice, Payment, ProviderEvent
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from tests.billing.builders import billing_world
from tests.helpers import make_client, make_client_user

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)
LATER = ORDER + timedelta(days=2)


@pytest.fixture
def world(settings):
    settings.PAYMENT_HOSTED_PAGE = "test"
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    w["invoice"] = Invoice.objects.get()
    GatewayAccount.objects.create(
        provider=w["provider"], gateway="stripe", webhook_secret="whsec_test_kalanda"
    )
    return w


def _browser(person) -> Client:
    browser = Client()
    browser.force_login(person)
    return browser


def _to_gateway(browser: Client, invoice: Invoice) -> str:
    answer = browser.post(f"/factures/{invoice.pk}/carte/")
    assert answer.status_code == 302, answer.content
    assert answer["Location"].startswith("/billing/passerelle-de-test/")
    return answer["Location"]


def test_the_admin_pays_by_card_and_the_webhook_records_it_once(world):
    invoice, browser = world["invoice"], _browser(world["admin"])
    with time_machine.travel(LATER, tick=False):
        due = services.balance_due(invoice)
        page = browser.get(f"/factures/{invoice.pk}/").content.decode()
        assert 'id="pay-by-card"' in page
        gateway = _to_gateway(browser, invoice)
        shown = browser.get(gateway).content.decode()
        assert invoice.display_number in shown
        back = browser.post(gateway, {"outcome": "pay"})
        assert back["Location"] == f"/factures/{invoice.pk}/?carte=paid"
        # The same session paid again (a double click): the PaymentIntent is one payment.
        browser.post(gateway, {"outcome": "pay"})
        after = browser.get(back["Location"]).content.decode()
    payment = Payment.objects.get()
    assert (payment.method, payment.amount, payment.invoice) == ("stripe", due, invoice)
    assert services.balance_due(invoice) == Decimal("0.00")
    assert "Paiement par carte transmis" in after and 'id="pay-by-card"' not in after
    assert ProviderEvent.objects.filter(event_type="payment_intent.succeeded").count() == 2
    started = AuditEntry.objects.get(action="invoice.card_payment_started")
    assert started.actor == world["admin"] and started.details["amount"] == str(due)
    with time_machine.travel(LATER, tick=False):
        refused = browser.post(f"/factures/{invoice.pk}/carte/", follow=True)
    assert "déjà réglée" in refused.content.decode() or "pas proposé" in refused.content.decode()


def test_a_declined_card_mails_the_client_in_its_language_and_the_invoice_stays_due(
    world, smtp_server
):
    world["admin"].language = "de"
    world["admin"].save(update_fields=["language"])
    invoice, browser = world["invoice"], _browser(world["admin"])
    with time_machine.travel(LATER, tick=False):
        due = services.balance_due(invoice)
        gateway = _to_gateway(browser, invoice)
        back = browser.post(gateway, {"outcome": "decline"})
        assert back["Location"] == f"/factures/{invoice.pk}/?carte=declined"
        page = browser.get(back["Location"]).content.decode()
        deliver_due(LATER)
    assert services.balance_due(invoice) == due and not Payment.objects.exists()
    assert 'id="pay-by-card"' in page
    mails = OutboxMessage.objects.filter(template="card_declined")
    to_admin = mails.get(to_email=world["admin"].email)
    assert to_admin.language == "de"
    delivered = [
        m
        for m in smtp_server.messages
        if m["X-Clausier-Template"] == "card_declined" and m["To"] == world["admin"].email
    ]
    assert len(delivered) == 1
    assert invoice.display_number in delivered[0]["Subject"]
    body = delivered[0].get_payload(decode=True).decode()
    assert "abgelehnt" in body and "insufficient_funds" in body
    assert AuditEntry.objects.filter(action="invoice.card_declined").count() == 1


def test_only_the_clients_admin_pays_and_only_while_something_is_due(world):
    invoice = world["invoice"]
    member = make_client_user(world["client"], Role.CLIENT_MEMBER)
    outsider = make_client_user(make_client(world["provider"], "Autre"), Role.CLIENT_ADMIN)
    with time_machine.travel(LATER, tick=False):
        member_page = _browser(member).get(f"/factures/{invoice.pk}/")
        if member_page.status_code == 200:
            assert 'id="pay-by-card"' not in member_page.content.decode()
        answer = _browser(member).post(f"/factures/{invoice.pk}/carte/")
        assert answer.status_code in (302, 404)
        assert not answer.get("Location", "").startswith("/billing/")
        assert _browser(outsider).post(f"/factures/{invoice.pk}/carte/").status_code == 404
        # GET is not a way in.
        assert _browser(world["admin"]).get(f"/factures/{invoice.pk}/carte/").status_code == 405
    assert not AuditEntry.objects.filter(action="invoice.card_payment_started").exists()


def test_without_a_stripe_account_no_card_is_offered(world):
    GatewayAccount.objects.all().delete()
    invoice, browser = world["invoice"], _browser(world["admin"])
    with time_machine.travel(LATER, tick=False):
        assert 'id="pay-by-card"' not in browser.get(f"/factures/{invoice.pk}/").content.decode()
        answer = browser.post(f"/factures/{invoice.pk}/carte/", follow=True)
    assert "pas proposé" in answer.content.decode()


def test_a_forged_or_bad_gateway_request_is_refused(world):
    invoice, browser = world["invoice"], _browser(world["admin"])
    with time_machine.travel(LATER, tick=False):
        gateway = _to_gateway(browser, invoice)
        forged = gateway.rstrip("/")[:-3] + "xyz/"
        assert browser.get(forged).status_code == 400
        assert browser.post(forged, {"outcome": "pay"}).status_code == 400
        assert browser.post(gateway, {"outcome": "steal"}).status_code == 404
    with time_machine.travel(LATER + timedelta(hours=2), tick=False):
        assert browser.post(gateway, {"outcome": "pay"}).status_code == 400
    assert not Payment.objects.exists()


def test_the_test_gateway_is_off_unless_configured(world, settings):
    invoice, browser = world["invoice"], _browser(world["admin"])
    with time_machine.travel(LATER, tick=False):
        gateway = _to_gateway(browser, invoice)
        settings.PAYMENT_HOSTED_PAGE = "off"
        assert 'id="pay-by-card"' not in browser.get(f"/factures/{invoice.pk}/").content.decode()
        assert (
            "pas proposé"
            in browser.post(f"/factures/{invoice.pk}/carte/", follow=True).content.decode()
        )
        assert browser.post(gateway, {"outcome": "pay"}).status_code == 404
    assert not Payment.objects.exists()
