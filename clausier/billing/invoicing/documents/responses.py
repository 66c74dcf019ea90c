"""HTTP downloads of invoice documents, shared by the API and the portal."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpResponse

from clausier.billing.errors import BillingError
from clausier.billing.invoicing.documents.storage import stored_pdf, stored_xml
from clausier.billing.models import Invoice


def document_response(invoice: Invoice, kind: str, language: str) -> HttpResponse:
    if language not in dict(settings.LANGUAGES):
        raise BillingError(f"unknown language {language!r}: fr, de or en", "invalid_language")
    if kind == "pdf":
        content, content_type, name = (
            stored_pdf(invoice, language),
            "application/pdf",
            f"{invoice.display_number}.pdf",
        )
    else:
        content, content_type, name = (
            stored_xml(invoice),
            "application/xml",
            f"{invoice.display_number}.xml",
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
