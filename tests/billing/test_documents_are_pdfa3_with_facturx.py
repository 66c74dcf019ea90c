"""The PDF is a PDF/A-3b carrying its Factur-X XML as factur-x.xml (AFRelationship Data)."""

from __future__ import annotations

import facturx
import pytest

from clausier.billing.invoicing.documents import build_facturx_xml, render_invoice_pdf
from tests.billing.test_documents_world import credit_note_of, issued_invoice, pdf_reader

pytestmark = pytest.mark.django_db


def xmp(pdf: bytes) -> str:
    root = pdf_reader(pdf).trailer["/Root"]
    return root["/Metadata"].get_object().get_data().decode("utf-8")


@pytest.mark.parametrize("kind", ["invoice", "credit_note"])
def test_the_xmp_metadata_declares_pdfa_3b_and_factur_x_en16931(kind):
    invoice = issued_invoice()
    document = credit_note_of(invoice) if kind == "credit_note" else invoice
    metadata = xmp(render_invoice_pdf(document, "fr"))
    assert "<pdfaid:part>3</pdfaid:part>" in metadata
    assert "<pdfaid:conformance>B</pdfaid:conformance>" in metadata
    assert "<fx:DocumentFileName>factur-x.xml</fx:DocumentFileName>" in metadata
    assert "<fx:ConformanceLevel>EN 16931</fx:ConformanceLevel>" in metadata
    # PDF/A-3 needs the extension schema describing the fx: properties.
    assert "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in metadata


def test_factur_x_xml_is_embedded_as_associated_data_file():
    invoice = issued_invoice()
    pdf = render_invoice_pdf(invoice, "de")
    root = pdf_reader(pdf).trailer["/Root"]
    names = root["/Names"]["/EmbeddedFiles"]["/Names"]
    assert names[0] == "factur-x.xml"
    filespec = names[1].get_object()
    assert filespec["/AFRelationship"] == "/Data"
    assert filespec["/UF"] == "factur-x.xml"
    # The catalog's /AF array lists the same file specification (PDF/A-3 associated file).
    assert [ref.get_object() for ref in root["/AF"]] == [filespec]
    embedded = filespec["/EF"]["/F"].get_object()
    assert embedded["/Subtype"] == "/text/xml"
    assert embedded.get_data() == build_facturx_xml(invoice)


def test_the_pdf_keeps_the_srgb_output_intent_and_embeds_its_fonts():
    pdf = render_invoice_pdf(issued_invoice(), "en")
    reader = pdf_reader(pdf)
    root = reader.trailer["/Root"]
    [intent] = root["/OutputIntents"]
    assert intent.get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "en-GB"
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"]
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))


def test_the_factur_x_library_reads_back_its_own_attachment():
    invoice = issued_invoice()
    filename, xml = facturx.get_facturx_xml_from_pdf(render_invoice_pdf(invoice, "fr"))
    assert filename == "factur-x.xml"
    assert xml == build_facturx_xml(invoice)
