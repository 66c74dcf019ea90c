"""The OPCO's invoice e-mail carries the evidence (coaching art. 8.2.4): the signed
attendance sheet of each half-day and each participant's certificate of realisation, as
PDF attachments, read back from the SMTP server byte for byte equal to the kept documents;
the client's own invoice e-mail carries none; a sheet naming another client's trainees is
not sent to this client's OPCO (art. 23)."""

from __future__ import annotations

import hashlib

import pytest

from clausier.accounts.models import Role, ServiceLine
from clausier.billing.models import Invoice
from clausier.core.models import AuditEntry
from clausier.notify.services import deliver_due
from clausier.training import services, settlement
from clausier.training.models import DocumentKind, TrainingDocument
from tests.helpers import accepted_terms, make_client, make_client_user
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    funded,
    quote_of,
)
from tests.training.world import AFTER, ORDERED, run_training, training_world

pytestmark = pytest.mark.django_db


def _pdfs(message) -> dict[str, bytes]:
    return {
        part.get_filename(): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_content_type() == "application/pdf"
    }


def test_the_opco_receives_the_sheets_and_certificates_with_its_invoice(smtp_server):
    w = training_world(price="1600.00")
    quote = quote_of(w)
    funded(w, quote, covered="2400.00", hours="30.00")
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    settlement.settle(now=AFTER, actor=w["accountant"], quote=quote)
    quote.refresh_from_db()
    assert quote.funder_invoice_id and quote.client_invoice_id
    deliver_due(AFTER)
    [to_opco] = [m for m in smtp_server.messages if m["To"] == w["funder"].billing_email]
    assert quote.funder_invoice.display_number in to_opco["Subject"] + str(to_opco)
    files = _pdfs(to_opco)
    assert sorted(files) == [
        f"certificat-realisation-{e.pk}.pdf" for e in quote.enrolments.order_by("pk")
    ] + [
        "emargement-2026-03-09-am.pdf",
        "emargement-2026-03-09-pm.pdf",
        "emargement-2026-03-10-am.pdf",
        "emargement-2026-03-10-pm.pdf",
    ]
    kept = {d.sha256 for d in TrainingDocument.objects.filter(session=w["session"])}
    assert len(kept) == 6
    assert {hashlib.sha256(content).hexdigest() for content in files.values()} == kept
    assert all(content.startswith(b"%PDF") for content in files.values())
    # The client's invoice goes without the evidence.
    to_client = [
        m
        for m in smtp_server.messages
        if m["To"] != w["funder"].billing_email and "invoice" in str(m.get("X-Clausier-Template"))
    ]
    assert to_client and not any(_pdfs(m) for m in to_client)
    entry = AuditEntry.objects.get(action="training.evidence_sent")
    assert entry.details["clause"] == "Art. 8.2.4" and entry.details["sheets_withheld"] == 0


def test_a_quote_paid_by_the_client_sends_no_evidence_but_makes_the_certificates(smtp_server):
    w = training_world()
    quote = quote_of(w, w["alice"])
    complete_modules(w, quote, w["alice"])
    run_training(w, quote)
    [invoice] = settlement.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert invoice.funder_id is None
    assert TrainingDocument.objects.filter(kind=DocumentKind.CERTIFICATE).count() == 1
    deliver_due(AFTER)
    assert not any(_pdfs(m) for m in smtp_server.messages)
    assert not AuditEntry.objects.filter(action="training.evidence_sent").exists()


def test_a_sheet_naming_another_clients_trainee_is_withheld():
    w = training_world(price="3200.00")
    other = make_client(w["provider"], "Pâtisserie")
    accepted_terms(other, ServiceLine.COACHING_TRAINING, ORDERED)
    other_admin = make_client_user(other, Role.CLIENT_ADMIN)
    carol = make_client_user(other, Role.CLIENT_MEMBER)
    quote = quote_of(w, w["alice"])
    services.create_quote(
        now=ORDERED, actor=other_admin, session=w["session"], client=other, participants=[carol]
    )
    funded(w, quote, covered="3200.00", hours="15.00")
    complete_modules(w, quote, w["alice"])
    # Carol is absent, but each half-day's sheet lists her (an inter-company session).
    run_training(w, quote)
    files, withheld = settlement.evidence(now=AFTER, quote=quote)
    assert withheld == 4
    assert [f.filename for f in files] == [
        f"certificat-realisation-{quote.enrolments.get().pk}.pdf"
    ]
    assert Invoice.objects.count() == 0
