"""The monthly SLA report as a PDF, through WeasyPrint as invoices and training documents
are made: one font configuration and stylesheet per thread (a Pango font map is not
thread-safe), the HTML rendered in the reader's language."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string

from clausier.support.services.report import MonthlyReport

STYLESHEET = Path(__file__).resolve().parent / "templates" / "support" / "documents" / "report.css"
_per_thread = threading.local()


def _renderer() -> tuple[Any, Any]:
    cached = getattr(_per_thread, "renderer", None)
    if cached is None:
        from weasyprint import CSS  # noqa: PLC0415 - heavy import, first document only
        from weasyprint.text.fonts import FontConfiguration  # noqa: PLC0415 - same

        fonts = FontConfiguration()
        css = CSS(string=STYLESHEET.read_text(encoding="utf-8"), font_config=fonts)
        cached = _per_thread.renderer = (fonts, css)
    return cached


def report_pdf(report: MonthlyReport, request: HttpRequest | None = None) -> bytes:
    from weasyprint import HTML  # noqa: PLC0415 - heavy import, first document only

    fonts, css = _renderer()
    html = render_to_string("support/documents/report.html", {"report": report}, request=request)
    return bytes(HTML(string=html).write_pdf(stylesheets=[css], font_config=fonts))
