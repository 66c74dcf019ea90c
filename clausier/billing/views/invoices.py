"""Invoices in the portal: the client's administrators see and download theirs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from clausier.accounts.views import current_person
from clausier.billing import services
from clausier.billing.invoicing.documents.responses import document_response
from clausier.billing.models import Invoice
from clausier.billing.selectors import visible_invoices


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = visible_invoices(current_person(request)).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404
    return invoice


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    invoices = (
        visible_invoices(current_person(request))
        .select_related("client")
        .order_by("-issued_at", "-pk")
    )
    rows = [
        {"invoice": i, "balance": services.balance_due(i) if i.kind == "invoice" else None}
        for i in invoices[:500]
    ]
    return render(request, "billing/invoices/list.html", {"rows": rows})


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    balance = services.balance_due(invoice) if invoice.kind == "invoice" else None
    return render(
        request,
        "billing/invoices/detail.html",
        {
            "invoice": invoice,
            "lines": invoice.lines.all(),
            "balance": balance,
            "payments": invoice.payments.all(),
        },
    )


@login_required
def invoice_document(request: HttpRequest, invoice_id: int, kind: str) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if kind not in {"pdf", "xml"}:
        raise Http404
    language = request.GET.get("lang") or current_person(request).language
    if language not in {"fr", "de", "en"}:
        language = "fr"
    return document_response(invoice, kind, language)
