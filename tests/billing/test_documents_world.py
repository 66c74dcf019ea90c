"""Builders and readers shared by the invoice-document tests (no tests in this file)."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from lxml import etree
from pypdf import PdfReader

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.billing.invoicing.issue import LineDraft, issue, local_date
from clausier.billing.models import Invoice, InvoiceKind
from tests.helpers import make_client, make_provider

NOW = datetime(2026, 11, 22, 10, 0, tzinfo=UTC)
HOSTING_CLAUSE = "Art. 8.3 — Facturation terme à échoir"
CREDIT_CLAUSE = "Art. 14 — Pénalités et SLA"
TRAINING_CLAUSE = "Art. 12.1 — Formations"
BUYER_SIREN, BUYER_VAT = "456789122", "FR72456789122"
NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}

LINES = [
    LineDraft(
        description="Infogérance serveur — du 01/10/2026 au 31/12/2026",
        unit_price_ht=Decimal("900.00"),
        vat_rate=Decimal("20.00"),
        clause=HOSTING_CLAUSE,
        period_start=date(2026, 10, 1),
        period_end=date(2026, 12, 31),
    ),
    LineDraft(
        description="Frais de mise en service",
        unit_price_ht=Decimal("450.00"),
        vat_rate=Decimal("20.00"),
    ),
    LineDraft(
        description="Crédit de service 09/2026 : GTI dépassée",
        unit_price_ht=Decimal("-75.00"),
        vat_rate=Decimal("20.00"),
        clause=CREDIT_CLAUSE,
    ),
    LineDraft(
        description="Formation « Prise de parole »",
        unit_price_ht=Decimal("650.00"),
        quantity=Decimal("2"),
        vat_rate=Decimal("5.50"),
        clause=TRAINING_CLAUSE,
    ),
]


def parties() -> tuple[Provider, ClientOrganisation]:
    provider = make_provider("Kalanda", bic="AGRIFRPP")
    client = make_client(
        provider,
        "Boulangerie",
        siren=BUYER_SIREN,
        vat_number=BUYER_VAT,
        billing_email="compta@boulangerie.example",
    )
    return provider, client


def issued_invoice(lines: list[LineDraft] | None = None, key: str = "doc-invoice") -> Invoice:
    provider, client = parties()
    return issue(
        now=NOW,
        provider=provider,
        client=client,
        lines=lines or LINES,
        idempotency_key=key,
        due_on=date(2026, 12, 22),
    )


def credit_note_of(invoice: Invoice, reason: str = "Option sauvegarde facturée à tort") -> Invoice:
    """A full credit note, as billing.services.credit_note issues it."""
    lines = [
        LineDraft(
            description=line.description,
            unit_price_ht=line.unit_price_ht,
            vat_rate=line.vat_rate,
            quantity=line.quantity,
            clause=line.clause,
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for line in invoice.lines.all()
    ]
    return issue(
        now=NOW,
        provider=invoice.provider,
        client=invoice.client,
        lines=lines,
        idempotency_key=f"credit_note:{invoice.pk}",
        due_on=local_date(NOW),
        kind=InvoiceKind.CREDIT_NOTE,
        corrects=invoice,
        reason=reason,
    )


def pdf_text(pdf: bytes) -> str:
    """The PDF's text with every kind of space made one plain space."""
    reader = PdfReader(io.BytesIO(pdf))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[ \u00a0\u202f\u2009]+", " ", text)


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def xml_tree(xml: bytes) -> Any:
    return etree.fromstring(xml)


def xpath_text(tree: Any, path: str) -> list[str]:
    return [node.text for node in tree.xpath(path, namespaces=NS)]
