"""The PDF and the Factur-X XML of an invoice to a funder address the funder, name the
client it pays for and carry the funding agreement (coaching art. 8.2.4)."""

from __future__ import annotations

import pytest

from clausier.billing.invoicing.documents import build_facturx_xml, render_invoice_pdf
from tests.billing.builders import FUNDER_SIRET
from tests.billing.document_kinds import BUYER_SIREN, FUNDING_REFERENCE, issued
from tests.billing.test_documents_world import pdf_text, xml_tree, xpath_text

pytestmark = pytest.mark.django_db
BUYER = "//ram:ApplicableHeaderTradeAgreement/ram:BuyerTradeParty"
FUNDED_WORDS = {
    "fr": ("Adressée à", "Accord de financement", "Pour le compte de"),
    "de": ("Rechnungsempfänger", "Finanzierungszusage", "Im Auftrag von"),
    "en": ("Addressed to", "Funding agreement", "On behalf of"),
}


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["fr", "de", "en"])
def test_the_pdf_is_addressed_to_the_funder_for_the_client(lang):
    invoice = issued("invoice to a funder")
    text = flat(pdf_text(render_invoice_pdf(invoice, lang)))
    heading, reference, beneficiary = FUNDED_WORDS[lang]
    assert heading.upper() in text  # section headings are set in capitals
    assert reference in text and beneficiary in text
    assert "OPCO Atlas" in text and FUNDER_SIRET in text and FUNDING_REFERENCE in text
    assert invoice.client.legal_name in text
    # The French mention names both, whatever the language.
    assert (
        f"Prise en charge par OPCO Atlas pour le compte de {invoice.client.legal_name}, "
        f"accord de financement n° {FUNDING_REFERENCE}."
    ) in text
    assert "75013 Paris" in text


def test_a_client_invoice_shows_no_funder_words():
    text = flat(pdf_text(render_invoice_pdf(issued("coaching invoice"), "fr")))
    assert "ADRESSÉE À" not in text and "Accord de financement" not in text


def test_the_xml_buyer_is_the_funder_with_its_siret_siren_and_agreement():
    invoice = issued("invoice to a funder")
    tree = xml_tree(build_facturx_xml(invoice))
    assert xpath_text(tree, f"{BUYER}/ram:Name") == ["OPCO Atlas"]
    assert xpath_text(tree, f"{BUYER}/ram:GlobalID[@schemeID='0009']") == [FUNDER_SIRET]
    assert xpath_text(tree, f"{BUYER}/ram:SpecifiedLegalOrganization/ram:ID[@schemeID='0002']") == [
        FUNDER_SIRET[:9]
    ]
    assert xpath_text(tree, f"{BUYER}/ram:URIUniversalCommunication/ram:URIID") == [
        "factures@opco-atlas.example"
    ]
    assert xpath_text(tree, f"{BUYER}/ram:PostalTradeAddress/ram:CityName") == ["Paris"]
    assert xpath_text(
        tree,
        "//ram:ApplicableHeaderTradeAgreement/ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID",
    ) == [FUNDING_REFERENCE]
    notes = xpath_text(tree, "//rsm:ExchangedDocument/ram:IncludedNote/ram:Content")
    assert any(invoice.client.legal_name in note and FUNDING_REFERENCE in note for note in notes)
    # The client is not the buyer: its SIREN appears nowhere as an identifier.
    assert BUYER_SIREN not in xpath_text(tree, "//ram:ID")


def test_the_credit_note_of_a_funder_invoice_is_addressed_to_the_funder():
    note = issued("credit note of an invoice to a funder")
    tree = xml_tree(build_facturx_xml(note))
    assert xpath_text(tree, f"{BUYER}/ram:Name") == ["OPCO Atlas"]
    assert xpath_text(tree, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [
        FUNDING_REFERENCE
    ]
