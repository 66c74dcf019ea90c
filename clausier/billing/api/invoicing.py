"""Plans, subscriptions, invoices and credit notes; payments recorded by staff.

Invoices are for the provider's billing staff and the client's administrators; members
of a client organisation do not see them.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Header, Router, Status
from ninja.pagination import paginate

from clausier.accounts import scoping
from clausier.accounts import selectors as accounts_selectors
from clausier.accounts.api.people import caller
from clausier.accounts.errors import NotAllowed
from clausier.apikit import idempotency
from clausier.apikit.pagination import Page
from clausier.billing import services
from clausier.billing.invoicing.documents.responses import document_response
from clausier.billing.models import Invoice, OverageAgreement, Plan, Subscription
from clausier.billing.schemas import (
    CreditNoteIn,
    InvoiceOut,
    OverageAgreementOut,
    PaymentIn,
    PlanOut,
    SubscriptionIn,
    SubscriptionOut,
    TerminateIn,
)
from clausier.billing.selectors import (
    visible_invoices,
    visible_overage_agreements,
    visible_plans,
    visible_subscriptions,
)
from clausier.billing.subscriptions import overage
from clausier.billing.termination import terminate

router = Router(tags=["billing"])


def invoice_out(invoice: Invoice) -> dict[str, Any]:
    return {
        "id": invoice.pk,
        "provider_id": invoice.provider_id,
        "client_id": invoice.client_id,
        "kind": invoice.kind,
        "number": invoice.display_number,
        "issued_at": invoice.issued_at,
        "due_on": invoice.due_on,
        "currency": invoice.currency,
        "total_ht": invoice.total_ht,
        "total_vat": invoice.total_vat,
        "total_ttc": invoice.total_ttc,
        "balance_due": services.balance_due(invoice) if invoice.kind == "invoice" else 0,
        "corrects_id": invoice.corrects_id,
        "reason": invoice.reason,
        "payer": payer_out(invoice),
        "lines": list(invoice.lines.all()),
    }


def payer_out(invoice: Invoice) -> dict[str, Any]:
    payer = invoice.payer
    return {
        "kind": payer.kind,
        "name": payer.name,
        "siren": payer.siren,
        "siret": payer.siret,
        "vat_number": payer.vat_number,
        "funder_id": invoice.funder_id,
        "funding_reference": payer.funding_reference,
    }


@router.get("/plans", response=list[PlanOut])
@paginate(Page)
def list_plans(request: HttpRequest) -> Any:
    return visible_plans(caller(request)).order_by("name", "pk")


@router.get("/subscriptions", response=list[SubscriptionOut])
@paginate(Page)
def list_subscriptions(request: HttpRequest) -> Any:
    return visible_subscriptions(caller(request)).order_by("-ordered_at", "-pk")


@router.post("/subscriptions", response={201: SubscriptionOut})
def create_subscription(request: HttpRequest, payload: SubscriptionIn) -> Status[Subscription]:
    person = caller(request)
    client = get_object_or_404(accounts_selectors.visible_clients(person), pk=payload.client_id)
    plan = get_object_or_404(
        Plan.objects.filter(provider_id=client.provider_id, active=True), pk=payload.plan_id
    )
    return Status(
        201, services.subscribe(now=timezone.now(), actor=person, client=client, plan=plan)
    )


@router.get("/subscriptions/{subscription_id}", response=SubscriptionOut)
def get_subscription(request: HttpRequest, subscription_id: int) -> Subscription:
    return get_object_or_404(visible_subscriptions(caller(request)), pk=subscription_id)


@router.post("/subscriptions/{subscription_id}/terminate", response=SubscriptionOut)
def terminate_subscription(
    request: HttpRequest, subscription_id: int, payload: TerminateIn
) -> Subscription:
    """The client's notice (managed hosting art. 9 online termination; coaching art. 17)."""
    person = caller(request)
    subscription = get_object_or_404(visible_subscriptions(person), pk=subscription_id)
    terminate(
        now=timezone.now(),
        actor=person,
        subscription=subscription,
        force_majeure=payload.force_majeure,
    )
    subscription.refresh_from_db()
    return subscription


@router.post("/overage-agreements/{agreement_id}/accept", response=OverageAgreementOut)
def accept_overage(request: HttpRequest, agreement_id: int) -> OverageAgreement:
    """The client admin accepts a quoted overage (managed hosting art. 5, 3.3)."""
    person = caller(request)
    agreement = get_object_or_404(visible_overage_agreements(person), pk=agreement_id)
    return overage.accept_overage(now=timezone.now(), actor=person, agreement=agreement)


@router.get("/invoices", response=list[InvoiceOut])
@paginate(Page)
def list_invoices(request: HttpRequest) -> Any:
    invoices = (
        visible_invoices(caller(request)).order_by("-issued_at", "-pk").prefetch_related("lines")
    )
    return [invoice_out(invoice) for invoice in invoices]


@router.get("/invoices/{invoice_id}", response=InvoiceOut)
def get_invoice(request: HttpRequest, invoice_id: int) -> dict[str, Any]:
    return invoice_out(get_object_or_404(visible_invoices(caller(request)), pk=invoice_id))


@router.get("/invoices/{invoice_id}/pdf")
def invoice_pdf(request: HttpRequest, invoice_id: int, lang: str = "fr") -> HttpResponse:
    """The PDF/A-3b with its Factur-X XML embedded; French legal mentions in every language."""
    invoice = get_object_or_404(visible_invoices(caller(request)), pk=invoice_id)
    return document_response(invoice, "pdf", lang)


@router.get("/invoices/{invoice_id}/xml")
def invoice_xml(request: HttpRequest, invoice_id: int) -> HttpResponse:
    """The Factur-X (EN 16931, CII) XML alone."""
    invoice = get_object_or_404(visible_invoices(caller(request)), pk=invoice_id)
    return document_response(invoice, "xml", "fr")


def _staff_invoice(request: HttpRequest, invoice_id: int) -> Invoice:
    person = caller(request)
    invoice = get_object_or_404(visible_invoices(person), pk=invoice_id)
    if invoice.provider_id not in scoping.staff_provider_ids(person, services.BILLING_ROLES):
        raise NotAllowed(_("Seule la facturation du prestataire enregistre paiements et avoirs."))
    return invoice


@router.post("/invoices/{invoice_id}/payments", response={201: InvoiceOut})
def record_payment(
    request: HttpRequest,
    response: HttpResponse,
    invoice_id: int,
    payload: PaymentIn,
    idempotency_key: str | None = Header(
        None, alias=idempotency.HEADER, pattern=idempotency.KEY_PATTERN
    ),
) -> Status[Any]:
    """Record a payment received for the invoice.

    Once per reference and method within the provider: the same reference again is a
    409. Send an `Idempotency-Key` to retry safely: the same key and body get the first
    answer again (with `Idempotent-Replayed: true`), another body with that key a 422.
    A payment beyond the balance due is refused (400 `overpayment`) unless
    `overpayment` is true: the surplus is then recorded as owed back to the client.
    """
    invoice = _staff_invoice(request, invoice_id)
    now = timezone.now()

    def write() -> tuple[int, dict[str, Any]]:
        services.record_payment(
            now=now,
            invoice=invoice,
            amount=payload.amount,
            method=payload.method,
            reference=payload.reference.strip(),
            actor=caller(request),
            overpayment=payload.overpayment,
            replay=False,
        )
        return 201, InvoiceOut.model_validate(invoice_out(invoice)).model_dump(mode="json")

    return idempotency.once(
        request, response, key=idempotency_key, provider=invoice.provider, now=now, write=write
    )


@router.post("/invoices/{invoice_id}/credit-note", response={201: InvoiceOut})
def issue_credit_note(
    request: HttpRequest, invoice_id: int, payload: CreditNoteIn
) -> Status[dict[str, Any]]:
    invoice = _staff_invoice(request, invoice_id)
    note = services.credit_note(
        now=timezone.now(), actor=caller(request), invoice=invoice, reason=payload.reason
    )
    return Status(201, invoice_out(note))
