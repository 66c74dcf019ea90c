"""A training organisation exempt from VAT (CGI art. 261-4-4° a) invoices its trainings in
EN 16931 category E at 0 % with the exemption reason and code (VATEX-EU-132-1I); its
Factur-X stays valid against the XSD; a credit note keeps the category; an organisation
without the exemption keeps the standard rate. Billing refuses an exempt line with a rate
and an exempt line beside an out-of-scope one."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from clausier.billing.invoicing.documents import build_facturx_xml, render_invoice_pdf
from clausier.billing.invoicing.documents.data import document_of
from clausier.billing.invoicing.documents.errors import DocumentError
from clausier.billing.invoicing.documents.facturx_xml import check_xsd
from clausier.billing.invoicing.issue import LineDraft
from clausier.billing.models import Invoice, VatCategory
from clausier.training import services
from clausier.training.models import OrganisationProfile
from tests.billing.test_documents_world import issued_invoice, pdf_text, xml_tree, xpath_text
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    funded,
    quote_of,
)
from tests.training.world import AFTER, FIRST_START, run_training, training_world

pytestmark = pytest.mark.django_db
LINE_TAX = "//ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax"
HEADER_TAX = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax"


def _profile(w, exempt: bool) -> None:
    OrganisationProfile.objects.create(
        provider=w["provider"],
        declaration_number="11755555555",
        signatory_name="Jeanne Martin",
        vat_exempt=exempt,
    )


def _settled(w):
    quote = quote_of(w)
    funded(w, quote, covered="3000.00", received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"])
    run_training(w, quote)
    return quote, services.settle(now=AFTER, actor=w["accountant"], quote=quote)


def test_an_exempt_organisation_invoices_in_category_e_with_the_reason():
    w = training_world()
    _profile(w, exempt=True)
    _quote, (opco, client) = _settled(w)
    for invoice in (opco, client):
        assert {line.vat_category for line in invoice.lines.all()} == {VatCategory.EXEMPT}
        assert invoice.total_vat == Decimal("0.00") and invoice.total_ttc == invoice.total_ht
        xml = build_facturx_xml(invoice)
        check_xsd(xml)
        tree = xml_tree(xml)
        assert set(xpath_text(tree, f"{LINE_TAX}/ram:CategoryCode")) == {"E"}
        assert set(xpath_text(tree, f"{LINE_TAX}/ram:RateApplicablePercent")) == {"0.00"}
        assert xpath_text(tree, f"{HEADER_TAX}/ram:CategoryCode") == ["E"]
        assert xpath_text(tree, f"{HEADER_TAX}/ram:ExemptionReasonCode") == ["VATEX-EU-132-1I"]
        [reason] = xpath_text(tree, f"{HEADER_TAX}/ram:ExemptionReason")
        assert "261-4-4° a du CGI" in reason
        # BR-E-02: the seller's VAT number stays (unlike category O).
        assert xpath_text(tree, "//ram:SellerTradeParty//ram:SpecifiedTaxRegistration/ram:ID")
    text = pdf_text(render_invoice_pdf(client, "en"))
    assert "Exempt" in text and "article 261-4-4° a" in text


def test_without_the_exemption_the_standard_rate_stays():
    w = training_world()
    _profile(w, exempt=False)
    _quote, (opco, client) = _settled(w)
    assert {line.vat_rate for line in client.lines.all()} == {Decimal("20.00")}
    assert {line.vat_category for line in opco.lines.all()} == {VatCategory.STANDARD}


def test_the_funders_non_payment_credit_note_keeps_category_e():
    w = training_world()
    _profile(w, exempt=True)
    quote, (opco, _client) = _settled(w)
    request = quote.funding
    fallback = services.funder_non_payment(now=AFTER, actor=w["accountant"], request=request)
    assert {line.vat_category for line in fallback.lines.all()} == {VatCategory.EXEMPT}
    credit = Invoice.objects.get(corrects=opco)
    assert {line.vat_category for line in credit.lines.all()} == {VatCategory.EXEMPT}
    check_xsd(build_facturx_xml(credit))
    check_xsd(build_facturx_xml(fallback))


def test_exempt_and_standard_lines_share_an_invoice_with_two_subtotals():
    invoice = issued_invoice(
        [
            LineDraft("Formation", Decimal("1000.00"), Decimal("0.00"), vat_category="E"),
            LineDraft("Hébergement", Decimal("100.00"), Decimal("20.00")),
        ],
        key="mixed-e-s",
    )
    xml = build_facturx_xml(invoice)
    check_xsd(xml)
    assert sorted(xpath_text(xml_tree(xml), f"{HEADER_TAX}/ram:CategoryCode")) == ["E", "S"]
    assert invoice.total_vat == Decimal("20.00")


@pytest.mark.parametrize(
    "lines",
    [
        [LineDraft("Formation", Decimal("1000.00"), Decimal("20.00"), vat_category="E")],
        [
            LineDraft("Formation", Decimal("1000.00"), Decimal("0.00"), vat_category="E"),
            LineDraft("Intérêts", Decimal("10.00"), Decimal("0.00"), vat_category="O"),
        ],
    ],
    ids=["exempt-with-a-rate", "exempt-beside-out-of-scope"],
)
def test_billing_refuses_what_en16931_would_reject(lines):
    with pytest.raises(DocumentError):
        document_of(issued_invoice(lines, key="refused-" + str(len(lines))))
