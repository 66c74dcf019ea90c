"""The training API: sessions, quotes (enrolments, funding, the two invoices), signing and
validating half-days, e-learning progress, the kept documents. Scoped by `selectors`:
what a caller may not see answers 404, what they see but may not do 403."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime

from clausier.accounts import scoping
from clausier.accounts.api.people import caller
from clausier.accounts.models import Provider
from clausier.apikit.pagination import Page
from clausier.billing.models_funders import Funder
from clausier.coaching import interruptions as coaching_interruptions
from clausier.coaching.models import ServiceInterruption
from clausier.training import convention, documents, interruptions, selectors, services
from clausier.training.models import (
    Enrolment,
    FundingRequest,
    FundingScheme,
    Module,
    Quote,
    Slot,
    TrainingSession,
)

router = Router(tags=["training"])


class SlotOut(Schema):
    id: int
    day: str
    half: str
    starts_at: datetime
    ends_at: datetime
    hours: Decimal
    validated: bool


class SessionOut(Schema):
    id: int
    provider_id: int
    training: str
    duration_hours: Decimal
    modality: str
    status: str
    trainer: str
    slots: list[SlotOut]


class EnrolmentOut(Schema):
    id: int
    quote_id: int
    participant: str
    status: str
    affects_funding: bool
    planned_hours: Decimal
    done_hours: Decimal


class FundingOut(Schema):
    funder: str
    file_number: str
    scheme: str
    amount_requested_ht: Decimal
    agreement_reference: str
    covered_ht: Decimal | None
    covered_hours: Decimal | None
    agreement_received_at: datetime | None
    non_payment_at: datetime | None


class QuoteOut(Schema):
    id: int
    client_id: int
    session_id: int
    training: str
    price_ht: Decimal
    payment: str
    status: str
    funding: FundingOut | None
    funder_invoice_id: int | None
    client_invoice_id: int | None
    enrolments: list[EnrolmentOut]


class FundingIn(Schema):
    funder_id: int
    file_number: str
    amount_ht: Decimal
    # The dispositif (BPF line C-2 a to h); the skills plan when left out.
    scheme: str = FundingScheme.SKILLS_PLAN.value


class ProgressIn(Schema):
    minutes: int
    completed: bool = False


class ProgressOut(Schema):
    module_id: int
    minutes_spent: int
    completed: bool


class SignatureOut(Schema):
    id: int
    slot_id: int
    role: str
    signed_at: datetime
    digest: str


def _slot_out(slot: Slot) -> SlotOut:
    return SlotOut(
        id=slot.pk,
        day=slot.day.isoformat(),
        half=slot.half,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        hours=slot.hours,
        validated=slot.validated_at is not None,
    )


def _session_out(session: TrainingSession) -> SessionOut:
    return SessionOut(
        id=session.pk,
        provider_id=session.provider_id,
        training=session.training.title,
        duration_hours=session.training.duration_hours,
        modality=session.training.modality,
        status=session.status,
        trainer=str(session.trainer),
        slots=[_slot_out(s) for s in session.slots.order_by("starts_at")],
    )


def _enrolment_out(enrolment: Enrolment) -> EnrolmentOut:
    hours = services.enrolment_hours(enrolment, require_validated=False)
    return EnrolmentOut(
        id=enrolment.pk,
        quote_id=enrolment.quote_id,
        participant=enrolment.participant.email,
        status=enrolment.status,
        affects_funding=enrolment.affects_funding,
        planned_hours=hours.planned,
        done_hours=hours.done,
    )


def _funding_out(request: FundingRequest | None) -> FundingOut | None:
    if request is None:
        return None
    return FundingOut(
        funder=request.funder.legal_name,
        file_number=request.file_number,
        scheme=request.scheme,
        amount_requested_ht=request.amount_requested_ht,
        agreement_reference=request.agreement_reference,
        covered_ht=request.covered_ht,
        covered_hours=request.covered_hours,
        agreement_received_at=request.agreement_received_at,
        non_payment_at=request.non_payment_at,
    )


def _quote_out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        id=quote.pk,
        client_id=quote.client_id,
        session_id=quote.session_id,
        training=quote.session.training.title,
        price_ht=quote.price_ht,
        payment=quote.payment,
        status=quote.status,
        funding=_funding_out(FundingRequest.objects.filter(quote=quote).first()),
        funder_invoice_id=quote.funder_invoice_id,
        client_invoice_id=quote.client_invoice_id,
        enrolments=[_enrolment_out(e) for e in quote.enrolments.order_by("pk")],
    )


def _ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


@router.get("/training/sessions", response=list[SessionOut])
@paginate(Page)
def list_sessions(request: HttpRequest) -> Any:
    sessions = selectors.visible_sessions(caller(request)).order_by("-created_at", "-pk")
    return [_session_out(s) for s in sessions]


@router.get("/training/sessions/{training_session_id}", response=SessionOut)
def get_session(request: HttpRequest, training_session_id: int) -> SessionOut:
    session = get_object_or_404(selectors.visible_sessions(caller(request)), pk=training_session_id)
    return _session_out(session)


@router.get("/training/quotes", response=list[QuoteOut])
@paginate(Page)
def list_quotes(request: HttpRequest) -> Any:
    return [_quote_out(q) for q in selectors.visible_quotes(caller(request)).order_by("-pk")]


@router.get("/training/quotes/{quote_id}", response=QuoteOut)
def get_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    return _quote_out(get_object_or_404(selectors.visible_quotes(caller(request)), pk=quote_id))


@router.post("/training/quotes/{quote_id}/cancel", response=QuoteOut)
def cancel_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    """The client cancels (art. 10.2): free until one month before, else billed."""
    person = caller(request)
    quote = get_object_or_404(selectors.visible_quotes(person), pk=quote_id)
    return _quote_out(services.cancel_by_client(now=timezone.now(), actor=person, quote=quote))


@router.post("/training/quotes/{quote_id}/funding", response={201: QuoteOut})
def request_funding(request: HttpRequest, quote_id: int, payload: FundingIn) -> Status[QuoteOut]:
    """A funding request to an OPCO; 400 `below_subrogation_minimum` under 3,000 € HT."""
    person = caller(request)
    quote = get_object_or_404(selectors.visible_quotes(person), pk=quote_id)
    funder = get_object_or_404(
        Funder.objects.filter(provider_id=quote.provider_id), pk=payload.funder_id
    )
    services.request_funding(
        now=timezone.now(),
        actor=person,
        quote=quote,
        funder=funder,
        file_number=payload.file_number,
        amount_ht=payload.amount_ht,
        scheme=payload.scheme,
    )
    quote.refresh_from_db()
    return Status(201, _quote_out(quote))


@router.post("/training/quotes/{quote_id}/settle", response=QuoteOut)
def settle_quote(request: HttpRequest, quote_id: int) -> QuoteOut:
    """Split billing after the training; 400 `training_hours_mismatch` names what differs."""
    person = caller(request)
    quote = get_object_or_404(selectors.visible_quotes(person), pk=quote_id)
    services.settle(now=timezone.now(), actor=person, quote=quote)
    quote.refresh_from_db()
    return _quote_out(quote)


@router.get("/training/enrolments", response=list[EnrolmentOut])
@paginate(Page)
def list_enrolments(request: HttpRequest) -> Any:
    enrolments = selectors.visible_enrolments(caller(request)).order_by("-pk")
    return [_enrolment_out(e) for e in enrolments]


@router.post("/training/slots/{slot_id}/sign", response={201: SignatureOut})
def sign_slot(request: HttpRequest, slot_id: int) -> Status[SignatureOut]:
    """The participant's e-signature of a half-day (who, when, IP, slot; chained)."""
    person = caller(request)
    slot = get_object_or_404(selectors.visible_slots(person), pk=slot_id)
    signature = services.sign_half_day(now=timezone.now(), actor=person, slot=slot, ip=_ip(request))
    return Status(201, _signature_out(signature))


@router.post("/training/slots/{slot_id}/validate", response={201: SignatureOut})
def validate_slot(request: HttpRequest, slot_id: int) -> Status[SignatureOut]:
    """The trainer's countersignature: the half-day's statuses are final."""
    person = caller(request)
    slot = get_object_or_404(selectors.visible_slots(person), pk=slot_id)
    signature = services.validate_half_day(
        now=timezone.now(), actor=person, slot=slot, ip=_ip(request)
    )
    return Status(201, _signature_out(signature))


def _signature_out(signature: Any) -> SignatureOut:
    return SignatureOut(
        id=signature.pk,
        slot_id=signature.slot_id,
        role=signature.role,
        signed_at=signature.signed_at,
        digest=signature.digest,
    )


@router.post(
    "/training/enrolments/{enrolment_id}/modules/{module_id}/progress", response=ProgressOut
)
def module_progress(
    request: HttpRequest, enrolment_id: int, module_id: int, payload: ProgressIn
) -> ProgressOut:
    """Our module player reports time spent and completion (no SCORM)."""
    person = caller(request)
    enrolment = get_object_or_404(
        Enrolment.objects.filter(participant_id=person.pk), pk=enrolment_id
    )
    module = get_object_or_404(
        Module.objects.filter(training_id=enrolment.quote.session.training_id), pk=module_id
    )
    progress = services.record_module_progress(
        now=timezone.now(),
        actor=person,
        enrolment=enrolment,
        module=module,
        minutes=payload.minutes,
        completed=payload.completed,
    )
    return ProgressOut(
        module_id=module.pk,
        minutes_spent=progress.minutes_spent,
        completed=progress.completed_at is not None,
    )


@router.get("/training/quotes/{quote_id}/convention.pdf")
def convention_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote's convention de formation (Code du travail L6353-1), made from the quote
    as it stands."""
    quote = get_object_or_404(selectors.visible_quotes(caller(request)), pk=quote_id)
    response = HttpResponse(
        convention.render(quote, now=timezone.now()), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="{convention.filename(quote)}"'
    return response


@router.get("/training/documents/{document_id}/pdf")
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    """A kept attendance sheet or certificate, checked against its SHA-256."""
    document = get_object_or_404(selectors.visible_documents(caller(request)), pk=document_id)
    response = HttpResponse(documents.stored_bytes(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.pk}.pdf"'
    response["X-Content-SHA256"] = document.sha256
    return response


class InterruptionOut(Schema):
    id: int
    provider_id: int
    kind: str
    starts_at: datetime
    ends_at: datetime | None
    announced_at: datetime | None
    emergency: bool
    scope: str
    cause: str
    training_extensions: int


class OutageIn(Schema):
    provider_id: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    scope: str = Field(max_length=200)
    cause: str = Field(max_length=300)


def _interruption_out(row: ServiceInterruption) -> InterruptionOut:
    return InterruptionOut(
        id=row.pk,
        provider_id=row.provider_id,
        kind=row.kind,
        starts_at=row.starts_at,
        ends_at=row.ends_at,
        announced_at=row.announced_at,
        emergency=row.emergency,
        scope=row.scope,
        cause=row.cause,
        training_extensions=row.training_extensions.count(),
    )


@router.get("/interruptions", response=list[InterruptionOut])
@paginate(Page)
def list_interruptions(request: HttpRequest) -> list[InterruptionOut]:
    """The application's outages and maintenances (art. 7.3, 7.4) the caller may see: its
    provider's as staff, its providers' as a client's person."""
    rows = coaching_interruptions.visible_interruptions(caller(request)).order_by(
        "-starts_at", "-pk"
    )
    return [_interruption_out(row) for row in rows]


@router.post("/interruptions/outages", response={201: InterruptionOut})
def record_outage(request: HttpRequest, payload: OutageIn) -> Status[Any]:
    """Art. 7.3: record a fixed outage; trainings it hit past 48 business hours are
    extended by its duration at once (whole days, once per enrolment)."""
    person = caller(request)
    provider = get_object_or_404(
        Provider.objects.filter(pk__in=scoping.staff_provider_ids(person)), pk=payload.provider_id
    )
    row, _extended = interruptions.record_outage(
        now=timezone.now(),
        actor=person,
        provider=provider,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        scope=payload.scope,
        cause=payload.cause,
    )
    return Status(201, _interruption_out(row))


class MaintenanceIn(Schema):
    provider_id: int
    starts_at: AwareDatetime
    ends_at: AwareDatetime
    scope: str = Field(max_length=200)
    cause: str = Field(default="", max_length=300)
    emergency: bool = False


@router.post("/interruptions/maintenances", response={201: InterruptionOut})
def schedule_maintenance(request: HttpRequest, payload: MaintenanceIn) -> Status[Any]:
    """Art. 7.4: schedule a maintenance at least 48 hours ahead (else refused with the
    clause, unless `emergency`); the affected people are e-mailed at once."""
    person = caller(request)
    provider = get_object_or_404(
        Provider.objects.filter(pk__in=scoping.staff_provider_ids(person)), pk=payload.provider_id
    )
    row, _sent = interruptions.schedule_maintenance(
        now=timezone.now(),
        actor=person,
        provider=provider,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        scope=payload.scope,
        cause=payload.cause,
        emergency=payload.emergency,
    )
    return Status(201, _interruption_out(row))
