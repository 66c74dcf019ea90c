"""The training API: sessions, quotes (enrolments, funding, the OPCO's agreement or refusal,
the two invoices), convocations, access windows and their extensions, signing and
validating half-days, e-learning progress, evaluations, the kept documents. Scoped by `selectors`:
what a caller may not see answers 404, what they see but may not do 403."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate
from pydantic import AwareDatetime, Field

from clausier.accounts import scoping
from clausier.accounts.api.people import caller
from clausier.accounts.models import Provider, Role
from clausier.apikit.pagination import Page
from clausier.apikit.schemas import StrictIn
from clausier.billing.models_funders import Funder
from clausier.coaching import interruptions as coaching_interruptions
from clausier.coaching.models import ServiceInterruption
from clausier.training import (
    access,
    convention,
    convocations,
    documents,
    evaluations,
    interruptions,
    selectors,
    services,
    settlement,
)
from clausier.training.errors import TrainingError
from clausier.training.models import (
    Enrolment,
    FundingRequest,
    FundingScheme,
    Module,
    Quote,
    Slot,
    Training,
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


class FundingIn(StrictIn):
    funder_id: int
    file_number: str
    amount_ht: Decimal
    # The dispositif (BPF line C-2 a to h); the skills plan when left out.
    scheme: str = FundingScheme.SKILLS_PLAN.value


class ProgressIn(StrictIn):
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


class TrainingIn(StrictIn):
    provider_id: int
    title: str = Field(min_length=1, max_length=200)
    objectives: str = Field(min_length=1, max_length=10000)
    programme: str = Field(min_length=1, max_length=20000)
    prerequisites: str = Field("", max_length=10000)
    duration_hours: Decimal = Field(ge=Decimal("0.5"), max_digits=7, decimal_places=2)
    modality: Literal["remote", "blended", "on_site"] = "on_site"
    nature: Literal["training", "skills_assessment", "vae", "apprenticeship"] = "training"
    price_ht: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    pricing: Literal["per_participant", "per_group"] = "per_participant"
    access_days: int = Field(90, ge=1, le=3650)


class TrainingOut(Schema):
    id: int
    provider_id: int
    title: str
    objectives: str
    programme: str
    prerequisites: str
    duration_hours: Decimal
    modality: str
    nature: str
    price_ht: Decimal
    pricing: str
    access_days: int


class AgreementIn(StrictIn):
    reference: str = Field(min_length=1, max_length=100)
    covered_ht: Decimal = Field(gt=0, max_digits=12, decimal_places=2)
    covered_hours: Decimal = Field(gt=0, max_digits=9, decimal_places=2)
    received_at: AwareDatetime


class RefusalIn(StrictIn):
    reason: str = Field(min_length=1, max_length=300)
    received_at: AwareDatetime


class SentOut(Schema):
    sent: int


class ExtensionIn(StrictIn):
    days: int = Field(ge=1, le=access.MAX_EXTENSION_DAYS)
    reason: str = Field(min_length=1, max_length=300)
    clause: str = Field("", pattern=r"^(7\.3|7\.4)?$")


class ExtensionOut(Schema):
    id: int
    days: int
    clause: str
    reason: str
    created_at: datetime


class AccessOut(Schema):
    enrolment_id: int
    opens_at: datetime
    closes_at: datetime
    extended_days: int
    extensions: list[ExtensionOut]


class AverageOut(Schema):
    key: str
    question: str
    average: Decimal | None


class EvaluationResultOut(Schema):
    scope: str
    training_id: int
    training: str
    session_id: int | None
    kind: str
    sent: int
    answered: int
    rate: int
    withheld: bool
    averages: list[AverageOut]
    comments: list[str]


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


def _training_out(training: Training) -> TrainingOut:
    return TrainingOut(
        id=training.pk,
        provider_id=training.provider_id,
        title=training.title,
        objectives=training.objectives,
        programme=training.programme,
        prerequisites=training.prerequisites,
        duration_hours=training.duration_hours,
        modality=training.modality,
        nature=training.nature,
        price_ht=training.price_ht,
        pricing=training.pricing,
        access_days=training.access_days,
    )


@router.get("/training/trainings", response=list[TrainingOut])
@paginate(Page)
def list_trainings(request: HttpRequest) -> Any:
    """The catalogue: staff their provider's; client users and trainers what they take part in."""
    trainings = selectors.visible_trainings(caller(request)).order_by("title", "pk")
    return [_training_out(t) for t in trainings]


@router.post("/training/trainings", response={201: TrainingOut})
def create_training(request: HttpRequest, payload: TrainingIn) -> Status[TrainingOut]:
    """A catalogue entry (owners and coaches of the provider), the same service as the
    portal's form: `full_clean`, audit `training.created`."""
    person = caller(request)
    provider = get_object_or_404(
        Provider.objects.filter(pk__in=scoping.staff_provider_ids(person)), pk=payload.provider_id
    )
    fields = payload.model_dump(exclude={"provider_id"})
    training = services.create_training(
        now=timezone.now(), actor=person, provider=provider, fields=fields
    )
    return Status(201, _training_out(training))


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
    """Split billing after the training; 400 `training_hours_mismatch` names what differs.
    The OPCO's e-mail carries the attendance sheets and certificates (art. 8.2.4)."""
    person = caller(request)
    quote = get_object_or_404(selectors.visible_quotes(person), pk=quote_id)
    settlement.settle(now=timezone.now(), actor=person, quote=quote)
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
    cancelled_at: datetime | None
    cancel_reason: str
    training_extensions: int


class OutageIn(StrictIn):
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
        cancelled_at=row.cancelled_at,
        cancel_reason=row.cancel_reason,
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


class MaintenanceIn(StrictIn):
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


class MaintenanceCancelIn(StrictIn):
    reason: str = Field(max_length=300)


@router.post("/interruptions/maintenances/{interruption_id}/cancel", response=InterruptionOut)
def cancel_maintenance(
    request: HttpRequest, interruption_id: int, payload: MaintenanceCancelIn
) -> InterruptionOut:
    """Art. 7.4: call off a maintenance before it starts, with a reason; the people told
    of it are e-mailed that it is cancelled, and it extends no training."""
    person = caller(request)
    row = get_object_or_404(
        ServiceInterruption.objects.filter(
            provider_id__in=scoping.staff_provider_ids(person)
        ).select_related("provider"),
        pk=interruption_id,
    )
    row, _sent = interruptions.cancel_maintenance(
        now=timezone.now(), actor=person, row=row, reason=payload.reason
    )
    return _interruption_out(row)


def _quote_funding(request: HttpRequest, quote_id: int) -> tuple[Any, Quote, FundingRequest]:
    person = caller(request)
    quote = get_object_or_404(selectors.visible_quotes(person), pk=quote_id)
    funding_request = FundingRequest.objects.filter(quote=quote).first()
    if funding_request is None:
        raise TrainingError(
            _("Ce devis n'a pas de demande de prise en charge (art. 8.2.4)."), "no_funding_request"
        )
    return person, quote, funding_request


@router.post("/training/quotes/{quote_id}/funding/agreement", response=QuoteOut)
def record_agreement(request: HttpRequest, quote_id: int, payload: AgreementIn) -> QuoteOut:
    """The OPCO's agreement (art. 8.2.4): reference, covered amount HT and hours-trainees,
    when it reached the provider (its date decides who pays the first day). Provider staff."""
    person, quote, funding_request = _quote_funding(request, quote_id)
    services.record_agreement(
        now=timezone.now(),
        actor=person,
        request=funding_request,
        reference=payload.reference,
        covered_ht=payload.covered_ht,
        covered_hours=payload.covered_hours,
        received_at=payload.received_at,
    )
    quote.refresh_from_db()
    return _quote_out(quote)


@router.post("/training/quotes/{quote_id}/funding/refusal", response=QuoteOut)
def record_refusal(request: HttpRequest, quote_id: int, payload: RefusalIn) -> QuoteOut:
    """The OPCO's refusal (art. 8.2.4): the whole training is then due by the client."""
    person, quote, funding_request = _quote_funding(request, quote_id)
    services.record_refusal(
        now=timezone.now(),
        actor=person,
        request=funding_request,
        reason=payload.reason,
        received_at=payload.received_at,
    )
    quote.refresh_from_db()
    return _quote_out(quote)


@router.post("/training/sessions/{training_session_id}/convocations", response=SentOut)
def send_convocations(request: HttpRequest, training_session_id: int) -> SentOut:
    """Convoke every participant not yet convoked to the session's current version (art. 6,
    6.1, 7.2.1, 8.1.2), with the iCalendar half-days. Provider owners and coaches."""
    person = caller(request)
    session = get_object_or_404(selectors.visible_sessions(person), pk=training_session_id)
    return SentOut(
        sent=convocations.send_convocations(now=timezone.now(), actor=person, session=session)
    )


@router.post("/training/enrolments/{enrolment_id}/convocation", response=SentOut)
def resend_convocation(request: HttpRequest, enrolment_id: int) -> SentOut:
    """One participant's convocation again, same calendar events. Owners and coaches."""
    person = caller(request)
    enrolment = get_object_or_404(selectors.visible_enrolments(person), pk=enrolment_id)
    return SentOut(sent=convocations.resend(now=timezone.now(), actor=person, enrolment=enrolment))


def _access_out(enrolment: Enrolment) -> AccessOut:
    current = access.window(enrolment)
    return AccessOut(
        enrolment_id=enrolment.pk,
        opens_at=current.opens_at,
        closes_at=current.closes_at,
        extended_days=current.extended_days,
        extensions=[
            ExtensionOut(
                id=e.pk, days=e.days, clause=e.clause, reason=e.reason, created_at=e.created_at
            )
            for e in enrolment.access_extensions.order_by("pk")
        ],
    )


@router.get("/training/enrolments/{enrolment_id}/access", response=AccessOut)
def get_access(request: HttpRequest, enrolment_id: int) -> AccessOut:
    """The access window to the training's content (art. 7.2.1) and its extensions."""
    enrolment = get_object_or_404(selectors.visible_enrolments(caller(request)), pk=enrolment_id)
    return _access_out(enrolment)


@router.post("/training/enrolments/{enrolment_id}/access-extensions", response={201: AccessOut})
def extend_access(
    request: HttpRequest, enrolment_id: int, payload: ExtensionIn
) -> Status[AccessOut]:
    """Extend one participant's access by `days`: an outage over 48 business hours (clause
    "7.3"), maintenance ("7.4"), or a commercial gesture (""). Owners and coaches."""
    person = caller(request)
    enrolment = get_object_or_404(selectors.visible_enrolments(person), pk=enrolment_id)
    access.extend(
        now=timezone.now(),
        actor=person,
        enrolment=enrolment,
        days=payload.days,
        reason=payload.reason,
        clause=payload.clause,
    )
    return Status(201, _access_out(enrolment))


@router.post("/training/sessions/{training_session_id}/evaluations", response=SentOut)
def send_evaluations(request: HttpRequest, training_session_id: int) -> SentOut:
    """Send the session's due evaluations now (hot after the last half-day, cold after its
    delay; Qualiopi indicator 30), each participant once. Owners and coaches."""
    person = caller(request)
    session = get_object_or_404(selectors.visible_sessions(person), pk=training_session_id)
    return SentOut(
        sent=evaluations.send_for_session(now=timezone.now(), actor=person, session=session)
    )


def _results_out(scope: str, rows: list[dict[str, Any]]) -> list[EvaluationResultOut]:
    out = []
    for row in rows:
        training = row["training"]
        groups = [(None, row["results"])] + [
            (s["session"].pk, s["results"]) for s in row["sessions"]
        ]
        for session_id, results in groups:
            for result in results:
                keys = [key for key, _label in evaluations.QUESTIONS[result.kind]]
                out.append(
                    EvaluationResultOut(
                        scope=scope,
                        training_id=training.pk,
                        training=training.title,
                        session_id=session_id,
                        kind=result.kind,
                        sent=result.sent,
                        answered=result.answered,
                        rate=result.rate,
                        withheld=result.withheld,
                        averages=[
                            AverageOut(key=key, question=question, average=average)
                            for key, (question, average) in zip(keys, result.averages, strict=True)
                        ],
                        comments=result.comments,
                    )
                )
    return out


@router.get("/training/evaluations", response=list[EvaluationResultOut])
@paginate(Page)
def evaluation_results(request: HttpRequest) -> Any:
    """Evaluation results per training (session_id null) and per session. Provider staff:
    every answer's mean and the comments (scope "provider"); a client's administrators:
    their own trainees' means only, none under 3 answers (`withheld`), no comment (scope
    "client", art. 23)."""
    person = caller(request)
    providers = scoping.staff_provider_ids(person)
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    return _results_out("provider", evaluations.results(providers) if providers else []) + (
        _results_out("client", evaluations.client_results(clients)) if clients else []
    )
