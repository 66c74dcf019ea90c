"""The staff workspace: the owner and the accountant search their clients (paged), open
one with its subscriptions, invoices, payments and people, record a payment, issue a
credit note, suspend and reinstate an access with a reason — through billing's and
accounts' services, audited like the API; bad input is a 400, another provider's client
a 404, and a collaborator or an engineer never gets in."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Role, ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, InvoiceKind, Payment
from clausier.core.models import AuditEntry
from tests.billing.builders import billing_world
from tests.helpers import make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, timezone.now() - timedelta(days=2))
    services.subscribe(
        now=timezone.now() - timedelta(days=2), actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    w["invoice"] = Invoice.objects.get()
    client.force_login(w["accountant"])
    return w


def _url(w, action=""):
    return f"/espace/clients/{w['client'].pk}/" + (f"{action}/" if action else "")


def test_search_and_paging(client, world):
    for n in range(30):
        make_client(world["provider"], f"Zeta{n:02d}")
    page = client.get("/espace/clients/?q=zeta").content.decode()
    assert page.count(">Zeta") == 25 and "Page 1 sur 2" in page
    second = client.get("/espace/clients/?q=zeta&page=2").content.decode()
    assert second.count(">Zeta") == 5
    assert "Aucun client ne correspond" in client.get("/espace/clients/?q=nope").content.decode()
    # Another provider's clients never show.
    make_client(make_provider("Autre"), "Zetaetranger")
    assert "Zetaetranger" not in client.get("/espace/clients/?q=zeta&page=2").content.decode()


def test_the_client_page_lists_and_records_a_payment(client, world):
    page = client.get(_url(world)).content.decode()
    invoice = world["invoice"]
    assert invoice.display_number in page and world["admin"].email in page
    form = {"invoice": invoice.pk, "method": "transfer", "reference": "VIR-1"}
    answer = client.post(_url(world, "payment"), {**form, "amount": str(invoice.total_ttc)})
    assert answer.status_code == 302
    payment = Payment.objects.get()
    assert payment.recorded_by == world["accountant"]
    assert AuditEntry.objects.filter(action="payment.recorded", actor=world["accountant"]).exists()
    # The same reference again is refused with a message, not recorded twice.
    again = client.post(_url(world, "payment"), {**form, "amount": "1"})
    assert again.status_code == 400 and Payment.objects.count() == 1
    assert "déjà enregistré" in again.content.decode()


@pytest.mark.parametrize(
    "data",
    [
        {"amount": "abc", "method": "transfer", "reference": "r"},
        {"amount": "1.234", "method": "transfer", "reference": "r"},
        {"amount": "NaN", "method": "transfer", "reference": "r"},
        {"amount": "10", "method": "sepa", "reference": "r"},
        {"amount": "10", "method": "transfer", "reference": ""},
        {"amount": "-5", "method": "transfer", "reference": "r"},
    ],
)
def test_bad_payments_are_a_400(client, world, data):
    answer = client.post(_url(world, "payment"), {"invoice": world["invoice"].pk, **data})
    assert answer.status_code == 400
    assert not Payment.objects.exists()


def test_credit_note_needs_a_reason_and_is_issued_once(client, world):
    url = _url(world, "credit-note")
    assert client.post(url, {"invoice": world["invoice"].pk, "reason": " "}).status_code == 400
    assert client.post(url, {"invoice": world["invoice"].pk, "reason": "Erreur"}).status_code == 302
    assert client.post(url, {"invoice": world["invoice"].pk, "reason": "Bis"}).status_code == 400
    assert Invoice.objects.filter(kind=InvoiceKind.CREDIT_NOTE).count() == 1


def test_suspend_and_reinstate_with_a_reason(client, world):
    membership = Membership.objects.get(person=world["admin"])
    url = _url(world, "suspend")
    assert client.post(url, {"membership": membership.pk, "reason": ""}).status_code == 400
    assert client.post(url, {"membership": membership.pk, "reason": "Partage"}).status_code == 302
    membership.refresh_from_db()
    assert membership.suspended_at and membership.suspension_reason == "Partage"
    assert "Suspendu : Partage" in client.get(_url(world)).content.decode()
    assert client.post(_url(world, "reinstate"), {"membership": membership.pk}).status_code == 302
    membership.refresh_from_db()
    assert membership.suspended_at is None
    assert AuditEntry.objects.filter(action="membership.suspended").exists()


def test_outsiders_are_kept_out(client, world):
    foreign = make_client(make_provider("Autre"), "Ailleurs")
    assert client.get(f"/espace/clients/{foreign.pk}/").status_code == 404
    assert client.post(_url(world, "explode"), {}).status_code == 404
    for person in (world["admin"], make_staff(world["provider"], Role.ENGINEER)):
        client.force_login(person)
        assert client.get("/espace/clients/").status_code == 404
        assert client.get(_url(world)).status_code == 404
    member = make_client_user(world["client"], Role.CLIENT_MEMBER)
    client.force_login(member)
    assert "/espace/clients/" not in client.get("/").content.decode()
