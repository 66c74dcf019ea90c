"""A late-payment invoice (interest L441-10, indemnity D441-5) is damages, not the price
of a supply: VAT category O with its exemption reason, no VAT number (EN 16931 BR-O-*),
and its PDF says why there is no VAT."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Role
from clausier.accounts.services import create_api_token
from clausier.billing.invoicing.documents import build_facturx_xml, render_invoice_pdf
from clausier.billing.models import VatCategory
from tests.billing.document_kinds import issued
from tests.billing.test_documents_world import pdf_text, xml_tree, xpath_text

pytestmark = pytest.mark.django_db
LINE_TAX = "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
HEADER_TAX = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"


def test_its_lines_are_issued_outside_the_scope_of_vat():
    late = issued("late-payment invoice")
    assert {line.vat_category for line in late.lines.all()} == {VatCategory.OUT_OF_SCOPE}
    assert late.total_vat == Decimal("0.00")


def test_its_xml_says_category_o_with_the_reason_and_no_vat_number():
    tree = xml_tree(build_facturx_xml(issued("late-payment invoice")))
    assert xpath_text(tree, f"{LINE_TAX}/ram:CategoryCode") == ["O", "O"]
    assert xpath_text(tree, f"{LINE_TAX}/ram:RateApplicablePercent") == []
    assert xpath_text(tree, f"{HEADER_TAX}/ram:CategoryCode") == ["O"]
    assert xpath_text(tree, f"{HEADER_TAX}/ram:CalculatedAmount") == ["0.00"]
    assert xpath_text(tree, f"{HEADER_TAX}/ram:ExemptionReasonCode") == ["VATEX-EU-O"]
    [reason] = xpath_text(tree, f"{HEADER_TAX}/ram:ExemptionReason")
    assert "hors du champ de la TVA (CGI art. 256)" in reason
    assert xpath_text(tree, "//ram:SpecifiedTaxRegistration/ram:ID") == []


def test_its_credit_note_keeps_the_category():
    note = issued("credit note of a late-payment invoice")
    assert {line.vat_category for line in note.lines.all()} == {VatCategory.OUT_OF_SCOPE}
    tree = xml_tree(build_facturx_xml(note))
    assert xpath_text(tree, f"{HEADER_TAX}/ram:CategoryCode") == ["O"]


def test_its_pdf_says_out_of_scope_instead_of_a_zero_rate():
    text = pdf_text(render_invoice_pdf(issued("late-payment invoice"), "en"))
    assert "Out of scope" in text and "0.00 %" not in text and "0,00 %" not in text
    assert "VAT not applicable: late-payment interest and the recovery indemnity" in text
    assert "TVA non applicable : intérêts de retard et indemnité forfaitaire" in text


def test_the_api_shows_the_category_of_each_line(client):
    late = issued("late-payment invoice")
    admin = Membership.objects.get(client=late.client, role=Role.CLIENT_ADMIN).person
    _token, secret = create_api_token(now=timezone.now(), person=admin, name="compta")
    reply = client.get(f"/api/invoices/{late.pk}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert reply.status_code == 200
    assert [line["vat_category"] for line in reply.json()["lines"]] == ["O", "O"]
