"""Invoices carry the seller's registration (Code de commerce R123-237) and the e-invoicing
reform's mentions (CGI art. 242 nonies A): buyer SIREN, category of the operation, option
for VAT on debits; each in the PDF's words and, where EN 16931 has a place, in the XML."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from clausier.billing.invoicing.documents import legal
from clausier.billing.invoicing.documents.data import DocumentLine, InvoiceDocument, Party, assemble
from clausier.billing.invoicing.documents.facturx_xml import check_xsd, facturx_bytes
from clausier.billing.invoicing.documents.pdf import render_html
from tests.billing.test_documents_world import xml_tree, xpath_text

SELLER: dict[str, Any] = {
    "legal_name": "Kalanda Infogérance SAS",
    "siren": "812345676",
    "siret": "81234567600017",
    "vat_number": "FR19812345676",
    "address": ["12 rue des Serveurs", "75011 Paris"],
    "email": "contact@kalanda.example",
    "iban": "FR7630006000011234567890189",
    "legal_form": "SAS",
    "share_capital": "50000.00",
    "rcs_city": "Paris",
}
BUYER: dict[str, Any] = {
    "legal_name": "Boulangerie Martin SAS",
    "siren": "456789122",
    "vat_number": "FR72456789122",
    "address": ["3 place du Marché", "69002 Lyon"],
    "email": "compta@boulangerie-martin.example",
}
QUARTER = DocumentLine(
    1,
    "Infogérance serveur",
    Decimal(1),
    Decimal("900.00"),
    Decimal("20.00"),
    Decimal("900.00"),
    period_start=date(2026, 10, 1),
    period_end=date(2026, 12, 31),
)
FEE = DocumentLine(
    2,
    "Frais de mise en service",
    Decimal(1),
    Decimal("450.00"),
    Decimal("20.00"),
    Decimal("450.00"),
)


def document(
    seller: dict[str, Any] | None = None,
    buyer: dict[str, Any] | None = None,
    lines: tuple[DocumentLine, ...] = (QUARTER, FEE),
) -> InvoiceDocument:
    return assemble(
        number="F2026-000042",
        kind="invoice",
        issue_date=date(2026, 9, 25),
        due_on=date(2026, 10, 1),
        currency="EUR",
        seller=Party.from_snapshot({**SELLER, **(seller or {})}),
        buyer=Party.from_snapshot({**BUYER, **(buyer or {})}),
        lines=lines,
    )


def xml_of(doc: InvoiceDocument) -> Any:
    xml = facturx_bytes(doc)
    check_xsd(xml)
    return xml_tree(xml)


def test_the_seller_shows_its_legal_form_capital_and_rcs_in_pdf_and_xml():
    doc = document()
    expected = "SAS au capital de 50\u202f000,00\u00a0€ · RCS Paris 812 345 676"
    assert legal.registration(doc.seller) == expected
    assert xpath_text(xml_of(doc), "//ram:SellerTradeParty/ram:Description") == [expected]
    html = render_html(doc, "de")
    assert "SAS mit einem Gesellschaftskapital von 50.000,00\u00a0€ · RCS Paris 812 345 676" in html


def test_an_individual_business_without_capital_or_rcs_shows_its_form_and_siren():
    doc = document({"legal_form": "EI", "share_capital": None, "rcs_city": ""})
    assert legal.registration(doc.seller) == "EI · SIREN 812 345 676"


@pytest.mark.parametrize(
    ("category", "code", "words"),
    [
        ("services", "S1", "Catégorie de l'opération : prestations de services."),
        ("goods", "B1", "Catégorie de l'opération : livraisons de biens."),
        (
            "mixed",
            "M1",
            "Catégorie de l'opération : livraisons de biens et prestations de services.",
        ),
    ],
)
def test_the_operation_category_gives_the_business_process_and_the_mention(category, code, words):
    doc = document({"operation_category": category})
    tree = xml_of(doc)
    path = (
        "//rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"
    )
    assert xpath_text(tree, path) == [code]
    assert words in xpath_text(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    assert words in legal.mentions(doc, "fr")


def test_the_option_for_vat_on_debits_is_stated_in_words_and_as_the_tax_point_code():
    opted, not_opted = document({"vat_on_debits": True}), document({"vat_on_debits": False})
    code = "//ram:ApplicableHeaderTradeSettlement/ram:ApplicableTradeTax/ram:DueDateTypeCode"
    assert xpath_text(xml_of(opted), code) == ["5"]
    assert xpath_text(xml_of(not_opted), code) == []
    mention = "Option pour le paiement de la taxe d'après les débits."
    assert mention in legal.mentions(opted, "fr")
    assert mention not in legal.mentions(not_opted, "fr")
    assert "Option for payment of VAT on an accruals basis" in render_html(opted, "en")


def test_the_buyer_siren_is_its_legal_id_and_its_address_when_it_has_no_email():
    tree = xml_of(document(buyer={"email": ""}))
    buyer = "//ram:BuyerTradeParty"
    assert xpath_text(tree, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID") == ["456789122"]
    assert xpath_text(
        tree, f"{buyer}/ram:URIUniversalCommunication/ram:URIID[@schemeID='0225']"
    ) == ["456789122"]
    assert "SIREN" in render_html(document(), "fr") and "456789122" in render_html(document(), "fr")


def test_the_delivery_date_is_the_end_of_the_period_billed_and_the_period_is_stated():
    tree = xml_of(document())
    delivery = "//ram:ApplicableHeaderTradeDelivery/ram:ActualDeliverySupplyChainEvent"
    assert xpath_text(tree, f"{delivery}/ram:OccurrenceDateTime/udt:DateTimeString") == ["20261231"]
    period = "//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod"
    assert xpath_text(tree, f"{period}/ram:StartDateTime/udt:DateTimeString") == ["20261001"]
    assert xpath_text(tree, f"{period}/ram:EndDateTime/udt:DateTimeString") == ["20261231"]


def test_without_a_period_the_delivery_date_is_the_issue_date():
    tree = xml_of(document(lines=(FEE,)))
    delivery = "//ram:ActualDeliverySupplyChainEvent/ram:OccurrenceDateTime/udt:DateTimeString"
    assert xpath_text(tree, delivery) == ["20260925"]
    assert (
        xpath_text(tree, "//ram:ApplicableHeaderTradeSettlement/ram:BillingSpecifiedPeriod") == []
    )


@pytest.mark.parametrize(
    "seller",
    [
        {"operation_category": "goods"},
        {"operation_category": "mixed", "vat_on_debits": True},
        {"legal_form": "EI", "share_capital": None, "rcs_city": ""},
    ],
    ids=["goods", "mixed-on-debits", "individual-business"],
)
def test_every_variant_passes_the_schematrons(seller, schematron):
    for buyer in ({}, {"email": ""}):
        report = schematron.validate(facturx_bytes(document(seller, buyer)))
        assert not report.fatal, report.summary()
