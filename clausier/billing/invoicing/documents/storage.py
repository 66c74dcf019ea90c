"""Generated invoice files, kept under VAR_DIR/invoices/<provider id>/.

An issued invoice never changes, so its documents are generated once and then served
from disk: the file a client downloads today is byte for byte the one sent at issue
(a new rendering would carry new PDF timestamps). Files are written to a temporary name
in the same folder and then linked into place, so a reader never sees half a file and
two concurrent writers cannot replace each other's file: the first one wins.

    <number>.xml          the Factur-X XML (language-independent)
    <number>.pdf          the PDF in French, the language of the contract
    <number>.<lang>.pdf   the PDF in German or English, when a client asks for it
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from clausier.billing.invoicing.documents import build_facturx_xml
from clausier.billing.invoicing.documents.data import document_of
from clausier.billing.invoicing.documents.labels import DEFAULT_LANGUAGE
from clausier.billing.invoicing.documents.pdf import document_language, render_document_pdf
from clausier.billing.models import Invoice


def invoices_dir(provider_id: int) -> Path:
    # The provider's primary key, not its slug: a renamed provider keeps its archive.
    return Path(settings.VAR_DIR) / "invoices" / str(provider_id)


def file_stem(invoice: Invoice) -> str:
    # The number plus a fingerprint of what makes this invoice this one: a database
    # restored or recreated under the same folder can never serve another invoice's file.
    identity = f"{invoice.pk}|{invoice.idempotency_key}|{invoice.issued_at.isoformat()}"
    return f"{invoice.display_number}-{hashlib.sha256(identity.encode()).hexdigest()[:12]}"


def pdf_path(invoice: Invoice, language: str = DEFAULT_LANGUAGE) -> Path:
    lang = document_language(language)
    suffix = ".pdf" if lang == DEFAULT_LANGUAGE else f".{lang}.pdf"
    return invoices_dir(invoice.provider_id) / f"{file_stem(invoice)}{suffix}"


def xml_path(invoice: Invoice) -> Path:
    return invoices_dir(invoice.provider_id) / f"{file_stem(invoice)}.xml"


def write_once(path: Path, content: bytes) -> Path:
    """Write `content` at `path` unless a file is already there; atomic for readers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link() fails when the name exists: a concurrent writer finished first.
            os.link(temporary, path)
        except FileExistsError:
            pass
        except OSError:
            # A file system without hard links: rename is still atomic for readers.
            os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path


def _stored(path: Path, generate: Callable[[], bytes]) -> bytes:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        write_once(path, generate())
        return path.read_bytes()


def stored_pdf(invoice: Invoice, language: str = DEFAULT_LANGUAGE) -> bytes:
    """The invoice's PDF in `language`, generated on first request and kept; the XML it
    embeds is the stored one, so the two files never disagree."""
    return _stored(
        pdf_path(invoice, language),
        lambda: render_document_pdf(document_of(invoice), language, xml=stored_xml(invoice)),
    )


def stored_xml(invoice: Invoice) -> bytes:
    """The invoice's Factur-X XML, generated on first request and kept."""
    return _stored(xml_path(invoice), lambda: build_facturx_xml(invoice))
