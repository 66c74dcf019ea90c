"""Invoice documents: the PDF/A-3b a person reads and the Factur-X XML a machine reads.

    render_invoice_pdf(invoice, "de") -> bytes   # PDF/A-3b, factur-x.xml embedded
    build_facturx_xml(invoice) -> bytes           # CII D16B, profile EN 16931

Both are built from the invoice's issue-time snapshot (`data.document_of`); generated
files are kept by `storage` since an issued invoice never changes. See docs/invoices.md.

This module imports no model at import time, so `documents.bench` can be imported (and
set Django up itself) from the project benchmark.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from clausier.billing.invoicing.documents.errors import DocumentError

if TYPE_CHECKING:
    from clausier.billing.models import Invoice

# factur-x and WeasyPrint log every step at INFO (WeasyPrint even while it is imported,
# hence here, before any submodule imports it); one invoice is not worth a dozen lines.
# fontTools subsets the fonts when HarfBuzz's subsetter is missing (scripts/ensure-pdf-libs
# installs it) and logs every glyph list at INFO: thousands of lines a document.
for _name in ("factur-x", "weasyprint.progress", "fontTools"):
    logging.getLogger(_name).setLevel(logging.WARNING)

__all__ = ["DocumentError", "build_facturx_xml", "render_invoice_pdf"]


def build_facturx_xml(invoice: Invoice) -> bytes:
    """The Factur-X EN 16931 XML (CII D16B) of an issued invoice or credit note."""
    # Imported here so that importing this package loads no model (see above).
    from clausier.billing.invoicing.documents.data import document_of  # noqa: PLC0415 - no model at import
    from clausier.billing.invoicing.documents.facturx_xml import facturx_bytes  # noqa: PLC0415 - same

    return facturx_bytes(document_of(invoice))


def render_invoice_pdf(invoice: Invoice, language: str) -> bytes:
    """The PDF/A-3b of an issued invoice in fr, de or en, its Factur-X XML embedded."""
    from clausier.billing.invoicing.documents.data import document_of  # noqa: PLC0415 - no model at import
    from clausier.billing.invoicing.documents.pdf import render_document_pdf  # noqa: PLC0415 - same

    return render_document_pdf(document_of(invoice), language)
