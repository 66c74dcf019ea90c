"""A client's own administrator changes where its invoices go (address, billing e-mail and
language), not who it is: its legal name, SIREN and VAT number are the buyer on every
invoice and Factur-X file, and its e-mail domains decide who may be invited into it; the
provider records those (API and portal share `accounts.services.update_client`)."""

from __future__ import annotations

import pytest
from django.test import Client

from clausier.accounts.models import ClientOrganisation, Role
from clausier.core.models import AuditEntry
from tests.helpers import make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db


def billing_world() -> dict[str, object]:
    provider = make_provider("Kalanda")
    client = make_client(provider, "Boulangerie")
    return {
        "provider": provider,
        "client": client,
        "admin": make_client_user(client, Role.CLIENT_ADMIN),
    }


def _api(person) -> Client:
    api = Client()
    api.force_login(person)
    return api


@pytest.mark.parametrize(
    "change",
    [
        {"legal_name": "Autre SAS"},
        {"siren": "552100554"},
        {"vat_number": "FR96552100554"},
        {"email_domains": ["gmail.com"]},
        {"city": "Lyon", "siren": "552100554"},
    ],
)
def test_the_client_admin_cannot_change_its_legal_identity(change):
    w = billing_world()
    before = ClientOrganisation.objects.values().get(pk=w["client"].pk)
    refused = _api(w["admin"]).patch(
        f"/api/clients/{w['client'].pk}", change, content_type="application/json"
    )
    assert refused.status_code == 403, refused.content
    assert "prestataire" in refused.json()["message"]
    assert ClientOrganisation.objects.values().get(pk=w["client"].pk) == before
    assert not AuditEntry.objects.filter(action="client.updated").exists()


def test_the_client_admin_moves_its_billing_address():
    w = billing_world()
    moved = _api(w["admin"]).patch(
        f"/api/clients/{w['client'].pk}",
        {"address_line1": "3 quai Saint-Vincent", "postal_code": "69001", "city": "Lyon"},
        content_type="application/json",
    )
    assert moved.status_code == 200, moved.content
    assert moved.json()["city"] == "Lyon"
    entry = AuditEntry.objects.get(action="client.updated")
    assert entry.actor == w["admin"]
    assert entry.details == {"fields": ["address_line1", "city", "postal_code"]}


def test_the_providers_accountant_records_the_legal_identity():
    w = billing_world()
    accountant = make_staff(w["provider"], Role.ACCOUNTANT)
    done = _api(accountant).patch(
        f"/api/clients/{w['client'].pk}",
        {"legal_name": "Boulangerie Durand SAS", "vat_number": "FR96552100554"},
        content_type="application/json",
    )
    assert done.status_code == 200, done.content
    w["client"].refresh_from_db()
    assert w["client"].legal_name == "Boulangerie Durand SAS"
    assert w["client"].vat_number == "FR96552100554"
