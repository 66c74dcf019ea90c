"""The invoice PDF: HTML template -> WeasyPrint PDF/A-3b -> Factur-X XML embedded.

WeasyPrint writes the PDF/A-3b (fonts embedded, sRGB output intent) and, before it
serialises it, `facturx_pdf.finisher` attaches factur-x.xml (AFRelationship /Data) and
writes the XMP metadata with the Factur-X extension schema that PDF/A-3 requires for it
(the factur-x library used to do it afterwards, re-reading and re-writing the whole PDF).

What does not change from one document to the next is made once per process and thread:
the parsed stylesheets (billing/invoice.css, and billing/invoice_ua.css, a user-agent
stylesheet cut down to the elements the template uses) and WeasyPrint's font
configuration, whose Pango font map keeps the shaped fonts warm. Only the page footer,
which carries the seller's name, stays in the template's own <style>.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from clausier.billing.invoicing.documents import labels, legal
from clausier.billing.invoicing.documents.data import DocumentLine, InvoiceDocument
from clausier.billing.invoicing.documents.errors import DocumentError
from clausier.billing.invoicing.documents.facturx_pdf import FacturX, finisher
from clausier.billing.invoicing.documents.facturx_xml import check_xsd, facturx_bytes
from clausier.billing.models import VatCategory

if TYPE_CHECKING:
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

TEMPLATE = "billing/invoice.html"
PDF_VARIANT = "pdf/a-3b"
FACTURX_LEVEL = "en16931"
TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "billing"
STYLESHEET = TEMPLATES / "invoice.css"
UA_STYLESHEET = TEMPLATES / "invoice_ua.css"

_per_thread = threading.local()


def document_language(language: str) -> str:
    code = (language or "").split("-")[0].lower()
    if code not in labels.LANGUAGES:
        raise DocumentError(
            f"unsupported document language {language!r}; use one of {', '.join(labels.LANGUAGES)}"
        )
    return code


def css_string(text: str) -> SafeString:
    """Text for a CSS string inside <style>: quotes, backslashes and markup escaped."""
    escaped = "".join(
        f"\\{ord(char):x} " if char in "\\\"'<>&" or ord(char) < 32 else char for char in text
    )
    return mark_safe(escaped)  # noqa: S308 - every character that could break out is escaped


@dataclass(frozen=True, slots=True)
class LineRow:
    position: int
    description: str
    clause: str
    period: str
    quantity: str
    unit_price: str
    vat_rate: str
    total: str


def _rate(rate: Any, out_of_scope: bool, lang: str, exempt: bool = False) -> str:
    if exempt:
        return labels.WORDS["exempt"][lang]
    return labels.WORDS["out_of_scope"][lang] if out_of_scope else labels.percent(rate, lang)


def _line_row(line: DocumentLine, currency: str, lang: str) -> LineRow:
    period = ""
    if line.period_start and line.period_end:
        period = (
            f"{labels.short_date(line.period_start, lang)} – "
            f"{labels.short_date(line.period_end, lang)}"
        )
    return LineRow(
        position=line.position,
        description=line.description,
        clause=line.clause,
        period=period,
        quantity=labels.quantity(line.quantity, lang),
        unit_price=labels.money(line.unit_price_ht, currency, lang),
        vat_rate=_rate(
            line.vat_rate,
            line.vat_category == VatCategory.OUT_OF_SCOPE,
            lang,
            line.vat_category == VatCategory.EXEMPT,
        ),
        total=labels.money(line.total_ht, currency, lang),
    )


def template_context(doc: InvoiceDocument, lang: str) -> dict[str, Any]:
    cur = doc.currency
    words = labels.words(lang)
    registration = legal.registration(doc.seller, lang)
    footer = f"{doc.seller.legal_name} · {registration}"
    if doc.seller.vat_number:
        footer += f" · {words['vat_number']} {doc.seller.vat_number}"
    return {
        "doc": doc,
        "lang": lang,
        "t": words,
        # French typography puts a no-break space before a colon.
        "colon": "\u00a0:" if lang == "fr" else ":",
        "footer_left": css_string(footer),
        "footer_page": css_string(words["page"]),
        "footer_of": css_string(words["page_of"]),
        "title": words["credit_note"] if doc.is_credit_note else words["invoice"],
        "seller_registration": registration,
        "operation_category": labels.WORDS[legal.category_key(doc)][lang],
        "issue_date": labels.long_date(doc.issue_date, lang),
        "due_on": labels.long_date(doc.due_on, lang),
        "rows": [_line_row(line, cur, lang) for line in doc.lines],
        "vat_rows": [
            {
                "rate": _rate(sub.rate, sub.out_of_scope, lang, sub.exempt),
                "base": labels.money(sub.base, cur, lang),
                "amount": labels.money(sub.amount, cur, lang),
            }
            for sub in doc.vat_breakdown
        ],
        "total_ht": labels.money(doc.total_ht, cur, lang),
        "total_vat": labels.money(doc.total_vat, cur, lang),
        "total_ttc": labels.money(doc.total_ttc, cur, lang),
        "corrects_date": (labels.long_date(doc.corrects.issue_date, lang) if doc.corrects else ""),
        # The client's language first, then the French text, which prevails.
        # The correction box already says, in the client's language, what is corrected.
        "mentions_local": legal.mentions(doc, lang, with_correction=False) if lang != "fr" else [],
        "mentions_fr": legal.mentions(doc, "fr"),
    }


def render_html(doc: InvoiceDocument, language: str) -> str:
    lang = document_language(language)
    with translation.override(lang):
        return render_to_string(TEMPLATE, template_context(doc, labels.language()))


def pdf_metadata(doc: InvoiceDocument, lang: str) -> dict[str, str]:
    title = labels.WORDS["credit_note" if doc.is_credit_note else "invoice"][lang]
    return {
        "author": doc.seller.legal_name,
        "title": f"{doc.seller.legal_name}: {title} {doc.number}",
        "subject": f"{title} {doc.number} — {doc.buyer.legal_name}",
        "keywords": "Factur-X, EN 16931, " + title,
    }


@dataclass(frozen=True, slots=True)
class _Renderer:
    fonts: FontConfiguration
    stylesheet: CSS
    html: type[HTML]
    producer: str


def _renderer() -> _Renderer:
    """This thread's font configuration, parsed stylesheets and HTML class, made once.

    Per thread because a Pango font map is not thread-safe; a Celery worker process
    renders from one thread, so in practice this is once per process.
    """
    cached: _Renderer | None = getattr(_per_thread, "renderer", None)
    if cached is None:
        # Imported on first use: WeasyPrint takes a second to import (fonts, fontTools),
        # and every command that loads the URLconf would pay for it without a PDF.
        import weasyprint  # noqa: PLC0415 - heavy import, first PDF only
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - same

        fonts = FontConfiguration()
        ua = weasyprint.CSS(string=UA_STYLESHEET.read_text(encoding="utf-8"))

        class InvoiceHTML(weasyprint.HTML):
            """The invoice's HTML, cascaded with invoice_ua.css instead of WeasyPrint's
            whole HTML5 user-agent stylesheet."""

            def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
                return [ua]

        css = weasyprint.CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=fonts)
        cached = _per_thread.renderer = _Renderer(
            fonts, css, InvoiceHTML, f"WeasyPrint {weasyprint.__version__}"
        )
    return cached


def render_document_pdf(doc: InvoiceDocument, language: str, xml: bytes | None = None) -> bytes:
    """The PDF/A-3b of a document with its Factur-X XML (built here unless given)."""
    renderer = _renderer()
    lang = document_language(language)
    html = render_html(doc, lang)
    if xml is None:
        xml = facturx_bytes(doc)
    check_xsd(xml)
    meta = pdf_metadata(doc, lang)
    facturx = FacturX(
        xml=xml,
        level=FACTURX_LEVEL,
        title=meta["title"],
        author=meta["author"],
        subject=meta["subject"],
        keywords=meta["keywords"],
        lang=labels.PDF_LANG[lang],
        producer=renderer.producer,
    )
    pdf: bytes | None = renderer.html(string=html).write_pdf(
        pdf_variant=PDF_VARIANT,
        stylesheets=[renderer.stylesheet],
        font_config=renderer.fonts,
        finisher=finisher(facturx),
    )
    if pdf is None:  # only when a target file is given
        raise DocumentError(f"{doc.number}: WeasyPrint produced no PDF")
    return pdf
