"""SEPA direct debits, disputes and formal notices."""

from datetime import datetime, time
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts import scoping
from clausier.accounts import selectors as accounts_selectors
from clausier.accounts.api.people import caller
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Provider, Role
from clausier.apikit.pagination import Page
from clausier.billing.models import DebitCollection, InvoiceDispute, Mandate
from clausier.billing.payments import dunning, sepa
from clausier.billing.schemas import (
    BankReportIn,
    BankReportOut,
    DisputeIn,
    DisputeOut,
    FormalNoticeIn,
    MandateIn,
    MandateOut,
    SepaCollectionOut,
    SepaExportIn,
)
from clausier.billing.selectors import (
    visible_debit_collections,
    visible_invoices,
    visible_mandates,
)
from clausier.billing.services import BILLING_ROLES
from clausier.terms.zone import contract_zone

router = Router(tags=["sepa"])


def _billing_provider(request: HttpRequest, provider_id: int) -> Provider:
    person = caller(request)
    provider = get_object_or_404(accounts_selectors.visible_providers(person), pk=provider_id)
    if provider.pk not in scoping.staff_provider_ids(person, BILLING_ROLES):
        raise NotAllowed(_("Réservé au responsable et au comptable du prestataire."))
    return provider


@router.get("/mandates", response=list[MandateOut])
@paginate(Page)
def list_mandates(request: HttpRequest) -> Any:
    return visible_mandates(caller(request)).order_by("-pk")


@router.post("/mandates", response={201: MandateOut})
def create_mandate(request: HttpRequest, payload: MandateIn) -> Status[Mandate]:
    person = caller(request)
    client = get_object_or_404(accounts_selectors.visible_clients(person), pk=payload.client_id)
    staff = client.provider_id in scoping.staff_provider_ids(person, BILLING_ROLES)
    if not staff and client.pk not in scoping.client_ids(person, {Role.CLIENT_ADMIN}):
        raise NotAllowed(
            _("Seuls l'administrateur du client ou la facturation enregistrent un mandat.")
        )
    mandate = sepa.create_mandate(
        now=timezone.now(),
        client=client,
        reference=payload.reference,
        iban=payload.iban,
        bic=payload.bic,
        signed_on=payload.signed_on,
        debtor_name=payload.debtor_name,
        actor=person,
    )
    return Status(201, mandate)


@router.post("/sepa/exports", response={201: SepaCollectionOut})
def export_debits(request: HttpRequest, payload: SepaExportIn) -> Status[DebitCollection]:
    provider = _billing_provider(request, payload.provider_id)
    sepa.export_pain008(provider, payload.due_until, timezone.now())
    return Status(201, DebitCollection.objects.filter(provider=provider).latest("created_at", "pk"))


@router.get("/sepa/exports/{collection_id}/file")
def download_debits(request: HttpRequest, collection_id: int) -> HttpResponse:
    collection = get_object_or_404(visible_debit_collections(caller(request)), pk=collection_id)
    response = HttpResponse(collection.xml, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{collection.message_id}.xml"'
    return response


@router.post("/sepa/reports", response=BankReportOut)
def import_bank_report(request: HttpRequest, payload: BankReportIn) -> dict[str, Any]:
    """A pain.002 status report (or the bank's CSV): rejections and settlements."""
    provider = _billing_provider(request, payload.provider_id)
    report = sepa.import_rejections(provider, payload.content, timezone.now())
    return {
        "rejected": [d.invoice.display_number for d in report.rejected],
        "collected": [d.invoice.display_number for d in report.collected],
        "accelerated": [i.display_number for i in report.accelerated],
        "already_done": report.already_done,
        "unknown": report.unknown,
        "ignored": report.ignored,
    }


@router.post("/invoices/{invoice_id}/dispute", response={201: DisputeOut})
def dispute_invoice(
    request: HttpRequest, invoice_id: int, payload: DisputeIn
) -> Status[InvoiceDispute]:
    person = caller(request)
    invoice = get_object_or_404(visible_invoices(person), pk=invoice_id)
    return Status(
        201,
        dunning.dispute(now=timezone.now(), person=person, invoice=invoice, reason=payload.reason),
    )


@router.post("/invoices/{invoice_id}/formal-notice", response={201: None})
def record_formal_notice(
    request: HttpRequest, invoice_id: int, payload: FormalNoticeIn
) -> Status[None]:
    person = caller(request)
    invoice = get_object_or_404(visible_invoices(person), pk=invoice_id)
    presented = datetime.combine(payload.presented_on, time(12), tzinfo=contract_zone())
    dunning.record_formal_notice(
        now=timezone.now(), actor=person, invoice=invoice, presented_on=presented
    )
    return Status(201, None)
