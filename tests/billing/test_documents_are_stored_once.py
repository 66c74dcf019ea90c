"""Issued invoices never change: their files are generated once, atomically, and kept."""

from __future__ import annotations

import pytest

from clausier.billing.invoicing.documents import pdf as pdf_module
from clausier.billing.invoicing.documents import storage
from tests.billing.test_documents_world import credit_note_of, issued_invoice, pdf_reader

pytestmark = pytest.mark.django_db


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


def test_files_land_under_var_dir_per_provider_and_number(var_dir):
    invoice = issued_invoice()
    pdf = storage.stored_pdf(invoice, "fr")
    xml = storage.stored_xml(invoice)
    folder = var_dir / "invoices" / str(invoice.provider_id)
    assert (folder / f"{storage.file_stem(invoice)}.pdf").read_bytes() == pdf
    assert (folder / f"{storage.file_stem(invoice)}.xml").read_bytes() == xml
    assert pdf.startswith(b"%PDF-")
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{storage.file_stem(invoice)}.pdf",
        f"{storage.file_stem(invoice)}.xml",
    ]  # no temporary file left behind


def test_a_stored_document_is_served_without_rendering_again(var_dir, monkeypatch):
    invoice = issued_invoice()
    first = storage.stored_pdf(invoice, "de")

    def no_rendering(*args, **kwargs):
        raise AssertionError("an issued invoice must not be rendered twice")

    monkeypatch.setattr(storage, "render_document_pdf", no_rendering)
    monkeypatch.setattr(pdf_module, "render_document_pdf", no_rendering)
    assert storage.stored_pdf(invoice, "de") == first
    assert storage.pdf_path(invoice, "de").name == f"{storage.file_stem(invoice)}.de.pdf"


def test_the_stored_pdf_embeds_the_stored_xml(var_dir):
    note = credit_note_of(issued_invoice())
    pdf = storage.stored_pdf(note, "en")
    root = pdf_reader(pdf).trailer["/Root"]
    embedded = root["/Names"]["/EmbeddedFiles"]["/Names"][1].get_object()["/EF"]["/F"]
    assert embedded.get_object().get_data() == storage.xml_path(note).read_bytes()


def test_the_first_writer_wins_and_readers_never_see_half_a_file(tmp_path):
    path = tmp_path / "invoices" / "7" / "F2026-000001.pdf"
    storage.write_once(path, b"first")
    storage.write_once(path, b"second")
    assert path.read_bytes() == b"first"
    assert [p.name for p in path.parent.iterdir()] == ["F2026-000001.pdf"]
