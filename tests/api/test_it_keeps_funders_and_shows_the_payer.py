"""/api/funders: the provider's billing staff keep its funders (OPCO); an invoice says
who it is addressed to (`payer`); bad input is a clear 4xx, never a 500."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clausier.accounts.models import Role
from clausier.accounts.services import create_api_token
from clausier.billing.invoicing import funders
from clausier.billing.invoicing.issue import LineDraft
from clausier.billing.models import Funder
from clausier.core.models import AuditEntry
from tests.api.world import build_world
from tests.helpers import make_staff

pytestmark = pytest.mark.django_db
NEW_FUNDER = {
    "kind": "opco",
    "legal_name": "OPCO EP",
    "siret": "85199293300024",
    "vat_number": "",
    "billing_email": "factures@opco-ep.example",
    "address_line1": "1 rue",
    "postal_code": "75001",
    "city": "Paris",
}


def call(client: Client, method: str, path: str, secret: str, body: Any = None) -> Any:
    kwargs: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    if body is not None:
        kwargs.update(data=json.dumps(body), content_type="application/json")
    return getattr(client, method)(path, **kwargs)


def test_the_owner_creates_a_funder_reads_it_and_the_action_is_audited(client):
    world = build_world()
    body = {**NEW_FUNDER, "provider_id": world.provider_a.pk}
    created = call(client, "post", "/api/funders", world.secrets["owner_a"], body)
    assert created.status_code == 201, created.content
    funder = created.json()
    assert (funder["legal_name"], funder["siret"], funder["kind"]) == (
        "OPCO EP",
        "85199293300024",
        "opco",
    )
    assert AuditEntry.objects.filter(action="funder.created", object_id=str(funder["id"])).exists()
    one = call(client, "get", f"/api/funders/{funder['id']}", world.secrets["owner_a"])
    assert one.status_code == 200 and one.json()["billing_email"] == "factures@opco-ep.example"
    listed = call(client, "get", "/api/funders", world.secrets["owner_a"]).json()
    assert {f["legal_name"] for f in listed["items"]} == {"OPCO EP", "SECRET-A1 OPCO"}


@pytest.mark.parametrize(
    ("changes", "status", "field"),
    [
        ({"siret": "85199293300017"}, 400, "siret"),  # fails the Luhn key
        ({"siret": "1234"}, 400, "siret"),
        ({"vat_number": "FR00000000000"}, 400, "vat_number"),
        ({"billing_email": "pas-une-adresse"}, 400, "billing_email"),
        ({"country": "F1"}, 400, "country"),
        ({"kind": "banque"}, 422, "kind"),
        ({"legal_name": ""}, 422, "legal_name"),
        ({"unknown": "x"}, 422, "unknown"),
    ],
)
def test_bad_input_is_a_clear_error_naming_the_field(client, changes, status, field):
    world = build_world()
    body = {**NEW_FUNDER, "provider_id": world.provider_a.pk, **changes}
    response = call(client, "post", "/api/funders", world.secrets["owner_a"], body)
    assert response.status_code == status, response.content
    assert field in response.json()["fields"]
    assert not Funder.objects.filter(legal_name="OPCO EP").exists()


def test_a_siret_the_provider_already_has_is_refused(client):
    world = build_world()
    body = {**NEW_FUNDER, "provider_id": world.provider_a.pk, "siret": world.funder_a.siret}
    response = call(client, "post", "/api/funders", world.secrets["owner_a"], body)
    assert response.status_code == 400, response.content
    assert "SIRET" in response.json()["message"]
    assert Funder.objects.filter(provider=world.provider_a).count() == 1


def test_staff_outside_billing_read_funders_but_do_not_create_them(client):
    world = build_world()
    engineer = make_staff(world.provider_a, Role.ENGINEER)
    _token, secret = create_api_token(now=timezone.now(), person=engineer, name="t")
    body = {**NEW_FUNDER, "provider_id": world.provider_a.pk}
    assert call(client, "post", "/api/funders", secret, body).status_code == 403
    assert call(client, "get", f"/api/funders/{world.funder_a.pk}", secret).status_code == 200


def test_client_users_see_no_funder_but_the_payer_of_their_funded_invoice(client):
    world = build_world()
    accountant = make_staff(world.provider_a, Role.ACCOUNTANT)
    invoice = funders.issue_to_funder(
        now=timezone.now(),
        actor=accountant,
        funder=world.funder_a,
        client=world.client_a1,
        funding_reference="ATLAS-42",
        lines=[LineDraft("Formation", Decimal("3000.00"), Decimal("20.00"), clause="Art. 8.2.4")],
        idempotency_key="training:api:opco",
        due_on=date(2026, 12, 31),
    )
    admin = world.secrets["admin_a1"]
    assert call(client, "get", "/api/funders", admin).json()["items"] == []
    assert call(client, "get", f"/api/funders/{world.funder_a.pk}", admin).status_code == 404
    body = call(client, "get", f"/api/invoices/{invoice.pk}", admin).json()
    assert body["client_id"] == world.client_a1.pk
    assert body["payer"] == {
        "kind": "funder",
        "name": "SECRET-A1 OPCO",
        "siren": world.funder_a.siret[:9],
        "siret": world.funder_a.siret,
        "vat_number": "",
        "funder_id": world.funder_a.pk,
        "funding_reference": "ATLAS-42",
    }
    # Read-only for the client: the funder, its payer, disputes it.
    dispute = call(
        client, "post", f"/api/invoices/{invoice.pk}/dispute", admin, {"reason": "Trop cher"}
    )
    assert dispute.status_code == 403
    client_invoice = call(client, "get", f"/api/invoices/{world.invoice_a1.pk}", admin).json()
    assert client_invoice["payer"]["kind"] == "client"
    assert client_invoice["payer"]["name"] == world.client_a1.legal_name
