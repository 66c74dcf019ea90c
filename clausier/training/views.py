"""Training pages: one home that shows each person their part (participant: my trainings,
half-days to sign, modules, certificates; trainer: half-days to validate; client admin:
quotes, attendance, funding, the two invoices; staff: the sessions board), the quote's
page, the module player, and the sign / validate actions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts.models import Provider, Role
from clausier.accounts.views import current_person
from clausier.core.errors import DomainError
from clausier.training import (
    access,
    bpf,
    convention,
    documents,
    forms,
    selectors,
    services,
    settlement,
)
from clausier.training.models import (
    DocumentKind,
    Enrolment,
    EnrolmentStatus,
    FundingRequest,
    Presence,
    QuoteStatus,
    Signature,
    SignerRole,
    Slot,
    TrainingDocument,
)

PLAYER_STARTED = "training.player.started"


def _home_url() -> str:
    return reverse("portal:training_home")


def _participant_rows(person: Any, now: datetime) -> list[dict[str, Any]]:
    rows = []
    enrolments = (
        Enrolment.objects.filter(
            participant=person,
            status=EnrolmentStatus.ACTIVE,
            quote__status__in=[QuoteStatus.ACCEPTED, QuoteStatus.BILLED],
        )
        .select_related("quote__session__training")
        .order_by("-pk")
    )
    for enrolment in enrolments:
        session = enrolment.quote.session
        signed = set(
            Signature.objects.filter(enrolment=enrolment, role=SignerRole.PARTICIPANT).values_list(
                "slot_id", flat=True
            )
        )
        slots = [
            {
                "slot": slot,
                "signed": slot.pk in signed,
                "can_sign": slot.pk not in signed
                and slot.validated_at is None
                and slot.starts_at <= now,
            }
            for slot in session.slots.order_by("starts_at")
        ]
        done = {p.module_id: p for p in enrolment.progress.all() if p.completed_at is not None}
        modules = [{"module": m, "done": m.pk in done} for m in session.training.modules.all()]
        certificate = TrainingDocument.objects.filter(
            kind=DocumentKind.CERTIFICATE, enrolment=enrolment
        ).first()
        rows.append(
            {
                "enrolment": enrolment,
                "access": access.window(enrolment),
                "training": session.training,
                "slots": slots,
                "modules": modules,
                "certificate": certificate,
            }
        )
    return rows


def _trainer_slots(person: Any, now: datetime) -> list[dict[str, Any]]:
    today = timezone.localdate(now)
    rows = []
    slots = (
        selectors.trainer_slots(person)
        .filter(day__gte=today)
        .select_related("session__training")
        .order_by("starts_at")[:20]
    )
    for slot in slots:
        enrolments = [
            e
            for quote in slot.session.quotes.filter(status=QuoteStatus.ACCEPTED)
            for e in services.active_enrolments(quote)
        ]
        signed = set(
            Signature.objects.filter(slot=slot, role=SignerRole.PARTICIPANT).values_list(
                "enrolment_id", flat=True
            )
        )
        rows.append(
            {
                "slot": slot,
                "participants": [{"enrolment": e, "signed": e.pk in signed} for e in enrolments],
            }
        )
    return rows


def _quote_rows(person: Any) -> list[dict[str, Any]]:
    rows = []
    for quote in selectors.visible_quotes(person).order_by("-pk")[:100]:
        rows.append({"quote": quote, "funding": FundingRequest.objects.filter(quote=quote).first()})
    return rows


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    now = timezone.now()
    staff = bool(scoping.staff_provider_ids(person))
    context = {
        "participant": _participant_rows(person, now),
        "trainer": _trainer_slots(person, now),
        "quotes": _quote_rows(person),
        "board": list(
            selectors.visible_sessions(person)
            .filter(provider_id__in=scoping.staff_provider_ids(person))
            .order_by("-created_at")[:100]
        )
        if staff
        else [],
        "presence_choices": Presence.choices,
        "staff": staff,
        "editor": staff and bool(scoping.staff_provider_ids(person, services.STAFF_EDITORS)),
    }
    return render(request, "training/home.html", context)


@login_required
def quote_detail(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = selectors.visible_quotes(current_person(request)).filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    return quote_page(request, quote)


def quote_page(request: HttpRequest, quote: Any, status: int = 200, **bound: Any) -> HttpResponse:
    """The quote's page; `bound` carries a form sent back with its errors (status 400)."""
    person = current_person(request)
    enrolments = [
        {
            "enrolment": e,
            "hours": services.enrolment_hours(e, require_validated=False),
            "access": access.window(e),
            # Its own ids: one extension form per participant on the page.
            "extension_form": bound.get("extension_form")
            if bound.get("extension_for") == e.pk
            else forms.ExtensionForm(auto_id=f"id_ext{e.pk}_%s"),
        }
        for e in quote.enrolments.select_related("participant").order_by("pk")
    ]
    staff = quote.provider_id in scoping.staff_provider_ids(person)
    editor = staff or quote.client_id in scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    funding_request = FundingRequest.objects.filter(quote=quote).first()
    open_quote = quote.status == QuoteStatus.ACCEPTED
    context = {
        "quote": quote,
        "enrolments": enrolments,
        "funding": funding_request,
        "can_edit": editor and open_quote,
        "staff": staff,
        "participant_form": bound.get("participant_form") or forms.ParticipantForm(),
        "funding_form": bound.get("funding_form")
        or forms.FundingForm(provider_id=quote.provider_id),
        "agreement_form": bound.get("agreement_form") or forms.AgreementForm(),
        "refusal_form": bound.get("refusal_form") or forms.RefusalForm(),
        "can_extend": quote.provider_id
        in scoping.staff_provider_ids(person, services.STAFF_EDITORS),
        "can_decide": staff
        and funding_request is not None
        and not funding_request.has_agreement
        and funding_request.refused_at is None,
    }
    return render(request, "training/quote.html", context, status=status)


def _visible_slot(request: HttpRequest, slot_id: int) -> Slot:
    slot = selectors.visible_slots(current_person(request)).filter(pk=slot_id).first()
    if slot is None:
        raise Http404
    return slot


@login_required
@require_POST
def sign(request: HttpRequest, slot_id: int) -> HttpResponse:
    slot = _visible_slot(request, slot_id)
    try:
        services.sign_half_day(
            now=timezone.now(),
            actor=current_person(request),
            slot=slot,
            ip=request.META.get("REMOTE_ADDR"),
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Demi-journée signée."))
    return HttpResponseRedirect(_home_url())


@login_required
@require_POST
def validate(request: HttpRequest, slot_id: int) -> HttpResponse:
    """The trainer's form: a status per participant (and minutes when partial), then the
    countersignature; the attendance sheet is generated at once."""
    slot = _visible_slot(request, slot_id)
    person = current_person(request)
    now = timezone.now()
    try:
        for quote in slot.session.quotes.filter(status=QuoteStatus.ACCEPTED):
            for enrolment in services.active_enrolments(quote):
                status = request.POST.get(f"status-{enrolment.pk}")
                if not status:
                    continue
                minutes_text = request.POST.get(f"minutes-{enrolment.pk}") or ""
                minutes = int(minutes_text) if minutes_text.isdigit() else None
                services.mark_attendance(
                    actor=person, slot=slot, enrolment=enrolment, status=status, minutes=minutes
                )
        services.validate_half_day(
            now=now, actor=person, slot=slot, ip=request.META.get("REMOTE_ADDR")
        )
        documents.attendance_sheet(now=now, slot=slot)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Demi-journée validée ; feuille d'émargement conservée."))
    return HttpResponseRedirect(_home_url())


@login_required
def module_player(request: HttpRequest, enrolment_id: int, module_id: int) -> HttpResponse:
    """Our simple module player: the module's text; time counts from opening to "done"."""
    person = current_person(request)
    enrolment = Enrolment.objects.filter(participant=person, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    module = enrolment.quote.session.training.modules.filter(pk=module_id).first()
    if module is None:
        raise Http404
    key = f"{PLAYER_STARTED}.{enrolment.pk}.{module.pk}"
    now = timezone.now()
    if request.method == "POST":
        started = request.session.pop(key, None)
        minutes = 0
        if started:
            elapsed = now - datetime.fromisoformat(started)
            minutes = max(0, min(int(elapsed.total_seconds() // 60), 24 * 60))
        try:
            services.record_module_progress(
                now=now,
                actor=person,
                enrolment=enrolment,
                module=module,
                minutes=minutes,
                completed=True,
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Module terminé."))
        return HttpResponseRedirect(_home_url())
    try:
        access.require_open(now, enrolment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(_home_url())
    request.session.setdefault(key, now.isoformat())
    return render(request, "training/module.html", {"enrolment": enrolment, "module": module})


@login_required
def document_pdf(request: HttpRequest, document_id: int) -> HttpResponse:
    document = selectors.visible_documents(current_person(request)).filter(pk=document_id).first()
    if document is None:
        raise Http404
    try:
        content = documents.stored_bytes(document)
    except DomainError:
        raise Http404 from None
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.kind}-{document.pk}.pdf"'
    return response


@login_required
def convention_pdf(request: HttpRequest, quote_id: int) -> HttpResponse:
    """The quote's convention de formation (L6353-1), for its client admin and the staff."""
    quote = selectors.visible_quotes(current_person(request)).filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    content = convention.render(quote, now=timezone.now())
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{convention.filename(quote)}"'
    return response


@login_required
@require_POST
def settle(request: HttpRequest, quote_id: int) -> HttpResponse:
    """Staff close a quote: a certificate per participant, then the split invoices."""
    person = current_person(request)
    quote = selectors.visible_quotes(person).filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    now = timezone.now()
    try:
        settlement.settle(now=now, actor=person, quote=quote)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Certificats émis, factures établies."))
    return HttpResponseRedirect(reverse("portal:training_quote", args=[quote.pk]))


def _bpf_provider(request: HttpRequest) -> Any:
    person = current_person(request)
    ids = scoping.staff_provider_ids(person, services.BILLING_STAFF)
    provider = Provider.objects.filter(pk__in=ids).order_by("pk").first()
    if provider is None:
        raise Http404
    return provider


def _year(request: HttpRequest) -> int:
    text = request.GET.get("annee", "")
    year = int(text) if text.isdigit() else timezone.localdate().year - 1
    if not 2000 <= year <= 2100:
        raise Http404
    return year


@login_required
def bpf_page(request: HttpRequest) -> HttpResponse:
    """The BPF figures of a year (cerfa 10443), for the provider's owner and accountant."""
    provider, year = _bpf_provider(request), _year(request)
    return render(
        request,
        "training/bpf.html",
        {"provider": provider, "figures": bpf.compute(provider, year), "year": year},
    )


@login_required
def bpf_csv(request: HttpRequest) -> HttpResponse:
    provider, year = _bpf_provider(request), _year(request)
    response = HttpResponse(bpf.as_csv(bpf.compute(provider, year)), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="bpf-{provider.slug}-{year}.csv"'
    return response
