"""Invoices in the portal: the client's administrators see and download theirs.

The list reads every row's balance in its one query (`with_balances`) and pages by 50:
it made two aggregate queries per row before (issue 16: 26 requests/s, p99 2.3 s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts.models import Role
from clausier.accounts.views import current_person
from clausier.billing.invoicing.balances import annotated_balance, balance_of, with_balances
from clausier.billing.invoicing.documents.responses import document_response
from clausier.billing.models import Invoice, InvoiceDispute, InvoiceKind, InvoiceLine, Payment
from clausier.billing.payments import dunning, hosted
from clausier.billing.selectors import invoice_reach, invoices_of, visible_invoices
from clausier.core.errors import DomainError
from clausier.core.prepared import INT, INTS, Pages, Prepared

PAGE_SIZE = 50


def _invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    invoice = visible_invoices(current_person(request)).filter(pk=invoice_id).first()
    if invoice is None:
        raise Http404
    return invoice


@dataclass(frozen=True)
class ListedInvoice:
    """An invoice as its list row shows it, read as values (no model instance)."""

    pk: int
    kind: str
    series: str
    number: int
    issued_at: datetime
    due_on: date
    currency: str
    total_ttc: Decimal
    payer_name: str
    client_name: str
    # None for a credit note.
    balance: Decimal | None

    @property
    def display_number(self) -> str:
        return f"{self.series}-{self.number:06d}"


# What the rows show, in one prepared query per page (core.prepared): loading the
# invoices as objects (the seller's and buyer's snapshots, the client) and compiling the
# queryset on every request were most of the page's time.
_PAGES = Pages(
    lambda providers, clients: (
        with_balances(invoices_of(providers, clients))  # type: ignore[misc]
        .order_by("-issued_at", "-pk")
        .values_list(
            "pk",
            "kind",
            "series",
            "number",
            "issued_at",
            "due_on",
            "currency",
            "total_ttc",
            "buyer__legal_name",
            "client__legal_name",
            "paid_total",
            "credited_total",
        )
    ),
    INTS,
    INTS,
    per_page=PAGE_SIZE,
)


def _listed(row: tuple[Any, ...]) -> ListedInvoice:
    pk, kind, series, number, issued_at, due_on, currency, total, payer, client, paid, credited = (
        row
    )
    return ListedInvoice(
        pk=pk,
        kind=kind,
        series=series,
        number=number,
        issued_at=issued_at,
        due_on=due_on,
        currency=currency,
        total_ttc=total,
        payer_name=str(payer or ""),
        client_name=str(client or ""),
        balance=balance_of(total, paid, credited) if kind == InvoiceKind.INVOICE else None,
    )


@login_required
def invoice_list(request: HttpRequest) -> HttpResponse:
    listing = _PAGES.listing(*invoice_reach(current_person(request)))
    page: Page[tuple[Any, ...]] = Paginator(listing, PAGE_SIZE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    rows = [_listed(row) for row in page.object_list]
    return render(request, "billing/invoices/list.html", {"rows": rows, "page": page})


# The invoice page's queries, compiled once (core.prepared).
_DETAIL = Prepared(
    lambda providers, clients, invoice_id: (
        with_balances(invoices_of(providers, clients).filter(pk=invoice_id))
        .select_related("corrects")
        .order_by("pk")[:1]
    ),
    INTS,
    INTS,
    INT,
)
_LINES = Prepared(lambda invoice_id: InvoiceLine.objects.filter(invoice_id=invoice_id), INT)
_PAYMENTS = Prepared(
    lambda invoice_id: Payment.objects.filter(invoice_id=invoice_id).order_by("received_at", "pk"),
    INT,
)
_DISPUTES = Prepared(lambda invoice_id: InvoiceDispute.objects.filter(invoice_id=invoice_id), INT)


@login_required
def invoice_detail(request: HttpRequest, invoice_id: int) -> HttpResponse:
    # The balance comes with the invoice, from the list's own expression (`with_balances`):
    # one path for both pages, and a fixed number of queries whatever the number of
    # payments, credit notes and lines (tests/portal/test_signed_in_pages_read_little.py).
    person = current_person(request)
    found = _DETAIL.objects(*invoice_reach(person), invoice_id)
    if not found:
        raise Http404
    invoice = found[0]
    balance = annotated_balance(invoice) if invoice.kind == "invoice" else None
    window = (
        dunning.dispute_window(invoice, timezone.now())
        if invoice.client_id in _admin_clients(person)
        else None
    )
    return render(
        request,
        "billing/invoices/detail.html",
        {
            "invoice": invoice,
            "lines": _LINES.objects(invoice.pk),
            "balance": balance,
            "payments": _PAYMENTS.objects(invoice.pk),
            "dispute_window": window,
            "disputes": _DISPUTES.objects(invoice.pk),
            "card_payment": bool(balance)
            and invoice.client_id in _admin_clients(person)
            and hosted.card_payment_offered(invoice),
            "card_return": request.GET.get("carte"),
        },
    )


def _admin_clients(person: object) -> set[int]:
    return scoping.client_ids(person, {Role.CLIENT_ADMIN})


@login_required
@require_POST
def invoice_dispute(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The client administrator disputes an invoice (coaching art. 8.3)."""
    invoice = _invoice(request, invoice_id)
    try:
        record = dunning.dispute(
            now=timezone.now(),
            person=current_person(request),
            invoice=invoice,
            reason=request.POST.get("reason", ""),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("Contestation enregistrée (%(outcome)s).")
            % {"outcome": record.get_outcome_display()},
        )
    return redirect("portal:invoice_detail", invoice_id=invoice.pk)


@login_required
@require_POST
def invoice_pay_card(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """To the gateway's hosted page; the webhook, not the return, records the payment."""
    invoice = _invoice(request, invoice_id)
    try:
        session = hosted.start_card_payment(
            now=timezone.now(),
            person=current_person(request),
            invoice=invoice,
            return_url=reverse("portal:invoice_detail", args=[invoice.pk]),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:invoice_detail", invoice_id=invoice.pk)
    return redirect(session.url)


@login_required
def invoice_document(request: HttpRequest, invoice_id: int, kind: str) -> HttpResponse:
    invoice = _invoice(request, invoice_id)
    if kind not in {"pdf", "xml"}:
        raise Http404
    language = request.GET.get("lang") or current_person(request).language
    if language not in {"fr", "de", "en"}:
        language = "fr"
    return document_response(invoice, kind, language)
