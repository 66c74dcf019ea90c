"""An invoice is addressed to its payer: the client, or a funder (OPCO) paying for it
under a funding agreement (coaching art. 8.1.2, 8.2.4). Same series, same gap-free
numbers, same immutability; the client it concerns stays on it."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Membership, Role, ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.invoicing import funders
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Funder, ImmutableInvoiceError, Invoice
from clausier.billing.payments import dunning, sepa
from clausier.billing.selectors import visible_invoices
from clausier.notify.models import OutboxMessage
from tests.billing.builders import FUNDER_SIRET, billing_world, make_funder
from tests.helpers import make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)
REFERENCE = "ATLAS-2026-000123"


def training_line(amount: str = "2400.00") -> LineDraft:
    return LineDraft(
        description="Formation « Manager coach » — part prise en charge",
        unit_price_ht=Decimal(amount),
        vat_rate=Decimal("20.00"),
        clause="Art. 8.2.4",
    )


@pytest.fixture
def world():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    w["funder"] = make_funder(w["provider"])
    return w


def funded(w, key: str = "training:1:opco", reference: str = REFERENCE, **kwargs) -> Invoice:
    return funders.issue_to_funder(
        now=ORDER,
        actor=w["accountant"],
        funder=w["funder"],
        client=w["client"],
        funding_reference=reference,
        lines=[training_line()],
        idempotency_key=key,
        due_on=date(2026, 2, 4),
        **kwargs,
    )


def test_a_client_invoice_is_addressed_to_its_client(world):
    services.subscribe(now=ORDER, actor=world["admin"], client=world["client"], plan=world["plan"])
    invoice = Invoice.objects.get()
    payer = invoice.payer
    assert (payer.kind, payer.name, payer.is_funder) == (
        "client",
        world["client"].legal_name,
        False,
    )
    assert invoice.funder is None and invoice.funding_reference == ""
    # Snapshots of client invoices keep their shape: no payer keys were added to them.
    assert "payer_kind" not in invoice.buyer


def test_a_funder_invoice_is_addressed_to_the_funder_for_the_client(world):
    invoice = funded(world)
    payer = invoice.payer
    assert payer.kind == "funder" and payer.is_funder
    assert payer.name == "OPCO Atlas"
    assert (payer.siret, payer.siren) == (FUNDER_SIRET, FUNDER_SIRET[:9])
    assert payer.email == "factures@opco-atlas.example"
    assert payer.funding_reference == REFERENCE and payer.funder_kind == "opco"
    assert payer.address_lines == ("25 quai Panhard et Levassor", "75013 Paris")
    # The invoice still concerns the client: its view and its tenancy.
    assert invoice.client == world["client"] and payer.beneficiary == world["client"].legal_name
    assert invoice.funder == world["funder"] and invoice.funding_reference == REFERENCE


def test_funder_and_client_invoices_share_one_gap_free_series(world):
    services.subscribe(now=ORDER, actor=world["admin"], client=world["client"], plan=world["plan"])
    first = Invoice.objects.get()
    second = funded(world)
    assert (second.series, second.number) == (first.series, first.number + 1)
    assert funded(world) == second  # the same key issues nothing new


def test_the_payer_is_frozen_at_issue(world):
    invoice = funded(world)
    Funder.objects.filter(pk=world["funder"].pk).update(
        legal_name="OPCO renommé", billing_email="autre@opco.example"
    )
    invoice = Invoice.objects.get(pk=invoice.pk)
    assert invoice.payer.name == "OPCO Atlas"
    invoice.funding_reference = "AUTRE"
    with pytest.raises(ImmutableInvoiceError):
        invoice.save()


def test_the_database_requires_a_reference_with_a_funder_and_none_without(world):
    with pytest.raises(IntegrityError), transaction.atomic():
        issue(
            now=ORDER,
            provider=world["provider"],
            client=world["client"],
            lines=[training_line()],
            idempotency_key="no-reference",
            due_on=date(2026, 2, 4),
            funder=world["funder"],
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        issue(
            now=ORDER,
            provider=world["provider"],
            client=world["client"],
            lines=[training_line()],
            idempotency_key="reference-without-funder",
            due_on=date(2026, 2, 4),
            funding_reference=REFERENCE,
        )
    assert not Invoice.objects.exists()


@pytest.mark.parametrize("reference", ["", "   "])
def test_a_missing_funding_reference_is_refused_clearly(world, reference):
    with pytest.raises(BillingError, match="accord de financement est obligatoire") as refused:
        funded(world, reference=reference)
    assert refused.value.code == "funding_reference_required"
    assert not Invoice.objects.exists()


def test_a_funder_of_another_provider_cannot_be_used(world):
    other = make_funder(make_provider("Ailleurs"), legal_name="OPCO d'ailleurs")
    with pytest.raises(NotAllowed, match="Financeur introuvable"):
        funders.issue_to_funder(
            now=ORDER,
            actor=world["accountant"],
            funder=other,
            client=world["client"],
            funding_reference=REFERENCE,
            lines=[training_line()],
            idempotency_key="foreign-funder",
            due_on=date(2026, 2, 4),
        )
    assert not Invoice.objects.exists()


def test_only_the_billing_staff_issue_to_a_funder(world):
    with pytest.raises(NotAllowed):
        funders.issue_to_funder(
            now=ORDER,
            actor=world["admin"],
            funder=world["funder"],
            client=world["client"],
            funding_reference=REFERENCE,
            lines=[training_line()],
            idempotency_key="by-the-client",
            due_on=date(2026, 2, 4),
        )
    assert not Invoice.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("siret", "85199293300017", "SIRET valide"),
        ("siret", "", "Ce champ ne peut pas être vide"),
        ("vat_number", "FR00000000000", "TVA intracommunautaire valide"),
        ("country", "France", "deux lettres"),
    ],
)
def test_a_funder_with_a_bad_identifier_is_refused(world, field, value, message):
    with pytest.raises(ValidationError) as refused:
        funders.create_funder(
            now=ORDER,
            actor=world["owner"],
            provider=world["provider"],
            fields={
                "legal_name": "OPCO EP",
                "siret": "85199293300024",
                "billing_email": "factures@opco-ep.example",
                "address_line1": "1 rue",
                "postal_code": "75001",
                "city": "Paris",
                field: value,
            },
        )
    assert field in refused.value.message_dict
    assert message in " ".join(refused.value.message_dict[field])


def test_a_funder_is_known_once_per_provider_by_its_siret(world):
    fields = {
        "legal_name": "OPCO Atlas bis",
        "siret": FUNDER_SIRET,
        "billing_email": "x@opco.example",
        "address_line1": "1 rue",
        "postal_code": "75001",
        "city": "Paris",
    }
    with pytest.raises((ValidationError, BillingError)):
        funders.create_funder(
            now=ORDER, actor=world["owner"], provider=world["provider"], fields=fields
        )
    # Another provider may know the same funder.
    elsewhere = make_provider("Ailleurs")
    Membership.objects.create(person=world["owner"], provider=elsewhere, role=Role.OWNER)
    funder = funders.create_funder(
        now=ORDER, actor=world["owner"], provider=elsewhere, fields=fields
    )
    assert funder.provider == elsewhere and funder.siren == FUNDER_SIRET[:9]


def test_a_credit_note_goes_to_the_funder_of_the_invoice(world):
    invoice = funded(world)
    note = services.credit_note(
        now=ORDER, actor=world["accountant"], invoice=invoice, reason="Accord annulé"
    )
    assert note.funder == world["funder"] and note.funding_reference == REFERENCE
    assert note.payer.name == "OPCO Atlas" and note.client == world["client"]


def test_the_client_reads_a_funded_invoice_but_does_not_dispute_it(world):
    invoice = funded(world)
    with pytest.raises(NotAllowed, match="financeur"):
        dunning.dispute(now=ORDER, person=world["admin"], invoice=invoice, reason="Trop cher")
    assert not invoice.disputes.exists()


def test_reminders_of_a_funded_invoice_go_to_the_funder(world):
    invoice = funded(world)
    assert dunning.send_reminders(datetime(2026, 2, 6, 10, tzinfo=UTC)) == 1
    message = OutboxMessage.objects.get(template="payment_reminder")
    assert message.to_email == "factures@opco-atlas.example"
    assert invoice.display_number in message.subject + message.body


def test_the_clients_mandate_never_pays_what_a_funder_owes(world):
    client = world["client"]
    sepa.create_mandate(
        now=ORDER,
        client=client,
        reference="RUM-1",
        iban="FR7630006000011234567890189",
        signed_on=date(2026, 1, 1),
        actor=world["owner"],
    )
    funded(world)
    assert sepa._collectable(world["provider"], date(2026, 12, 31)) == []


def test_another_clients_admin_does_not_see_a_funded_invoice(world):
    invoice = funded(world)
    neighbour = make_client(world["provider"], "Fromagerie")
    outsider = make_client_user(neighbour, Role.CLIENT_ADMIN)
    assert not visible_invoices(outsider).filter(pk=invoice.pk).exists()
    assert visible_invoices(world["admin"]).filter(pk=invoice.pk).exists()


def test_the_portal_shows_whom_a_funded_invoice_is_addressed_to(world, client):
    invoice = funded(world)
    client.force_login(world["admin"])
    page = client.get(f"/factures/{invoice.pk}/").content.decode()
    assert "Adressée à" in page and "OPCO Atlas" in page
    assert f"accord de financement n° {REFERENCE}" in page
    assert world["client"].legal_name in page
    listing = client.get("/factures/").content.decode()
    assert "Adressée à" in listing and "OPCO Atlas" in listing
