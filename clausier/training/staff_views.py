"""The training provider's staff forms: a session by half-days, a quote and its
participants, the funding request, the OPCO's agreement or refusal, the convocations, and
the board of funding requests. Each form goes through the same services as the API (their
permission checks and audit entries); bad input answers 400 with the form and its errors,
a refused action 403/400 with the rule's message."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role
from clausier.accounts.views import current_person
from clausier.core.errors import DomainError
from clausier.terms.zone import contract_zone
from clausier.training import (
    access,
    convocations,
    evaluations,
    forms,
    funding,
    selectors,
    services,
    views,
)
from clausier.training.models import (
    Enrolment,
    EnrolmentStatus,
    FundingRequest,
    Quote,
    SessionStatus,
    TrainingSession,
)


def _editor_providers(request: HttpRequest) -> set[int]:
    ids = scoping.staff_provider_ids(current_person(request), services.STAFF_EDITORS)
    if not ids:
        raise Http404
    return ids


def _has_choices(form: Any, name: str) -> bool:
    return bool(form.fields[name].queryset.exists())


def _refused(exc: DomainError) -> int:
    return 403 if isinstance(exc, NotAllowed) else 400


@login_required
def new_training(request: HttpRequest) -> HttpResponse:
    """A catalogue entry (owners and coaches), through `services.create_training` like the
    API: its permission check, `full_clean` and audit entry `training.created`."""
    providers = _editor_providers(request)
    form = forms.TrainingForm(request.POST or None, provider_ids=providers)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = dict(form.cleaned_data)
            provider = data.pop("provider")
            try:
                training = services.create_training(
                    now=timezone.now(),
                    actor=current_person(request),
                    provider=provider,
                    fields=data,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = _refused(exc)
            else:
                messages.success(
                    request,
                    _("Formation « %(title)s » créée : programmez-en une session.")
                    % {"title": training.title},
                )
                return HttpResponseRedirect(reverse("portal:training_new_session"))
    return render(request, "training/staff/new_training.html", {"form": form}, status=status)


@login_required
def new_session(request: HttpRequest) -> HttpResponse:
    providers = _editor_providers(request)
    person = current_person(request)
    form = forms.SessionForm(request.POST or None, provider_ids=providers)
    halves = forms.HalfDayFormSet(request.POST or None, prefix="half")
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and halves.is_valid():
            data = form.cleaned_data
            drafts = [
                services.SlotDraft(h["day"], h["half"], h["starts"], h["ends"])
                for h in halves.cleaned_data
                if h
            ]
            training = data["training"]
            try:
                trainer = services.trainer_for(
                    actor=person, provider=training.provider, person=data["trainer"]
                )
                session = services.schedule_session(
                    now=timezone.now(),
                    actor=person,
                    training=training,
                    trainer=trainer,
                    slots=drafts,
                    min_participants=data["min_participants"],
                    location=data["location"],
                    room_name=data["room_name"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = _refused(exc)
            else:
                messages.success(request, _("Session programmée."))
                return HttpResponseRedirect(reverse("portal:training_session", args=[session.pk]))
    return render(
        request,
        "training/staff/new_session.html",
        {
            "form": form,
            "halves": halves,
            "has_trainings": _has_choices(form, "training"),
        },
        status=status,
    )


@login_required
def new_quote(request: HttpRequest) -> HttpResponse:
    providers = _editor_providers(request)
    person = current_person(request)
    initial = {}
    if request.GET.get("session", "").isdigit():
        initial["session"] = int(request.GET["session"])
    form = forms.QuoteForm(request.POST or None, provider_ids=providers, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                quote = services.create_quote(
                    now=timezone.now(),
                    actor=person,
                    session=data["session"],
                    client=data["client"],
                    participants=data["people"],
                )
            except DomainError as exc:
                form.add_error(None, str(exc.message))
                status = _refused(exc)
            else:
                messages.success(request, _("Devis établi, participants inscrits."))
                return HttpResponseRedirect(reverse("portal:training_quote", args=[quote.pk]))
    return render(
        request,
        "training/staff/new_quote.html",
        {"form": form, "has_sessions": _has_choices(form, "session")},
        status=status,
    )


def _quote(request: HttpRequest, quote_id: int) -> Quote:
    quote = selectors.visible_quotes(current_person(request)).filter(pk=quote_id).first()
    if quote is None:
        raise Http404
    return quote


def _back(quote: Quote) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("portal:training_quote", args=[quote.pk]))


def _quote_error(request: HttpRequest, quote: Quote, status: int, **bound: Any) -> HttpResponse:
    return views.quote_page(request, quote, status=status, **bound)


def _submit_on_quote(
    request: HttpRequest,
    quote: Quote,
    form: Any,
    form_name: str,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A quote page's form: invalid → the page again with it (400); the service refuses →
    its message on the form (403/400, `_refused`); done → a message and back to the quote."""
    if not form.is_valid():
        return _quote_error(request, quote, 400, **{form_name: form})
    try:
        act(form.cleaned_data)
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _quote_error(request, quote, _refused(exc), **{form_name: form})
    messages.success(request, done)
    return _back(quote)


@login_required
@require_POST
def add_participant(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    form = forms.ParticipantForm(request.POST)
    if not form.is_valid():
        return _quote_error(request, quote, 400, participant_form=form)
    people = forms.participants_of(quote.client, [form.cleaned_data["email"].lower()])
    if not people:
        form.add_error(
            "email",
            _("Pas (encore) de compte chez %(client)s pour cette adresse. Invitez-la d'abord.")
            % {"client": quote.client.legal_name},
        )
        return _quote_error(request, quote, 400, participant_form=form)
    try:
        services.add_participant(
            now=timezone.now(), actor=current_person(request), quote=quote, person=people[0]
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _quote_error(request, quote, _refused(exc), participant_form=form)
    messages.success(request, _("Participant inscrit."))
    return _back(quote)


@login_required
@require_POST
def withdraw_participant(request: HttpRequest, quote_id: int, enrolment_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    enrolment = Enrolment.objects.filter(quote=quote, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    now = timezone.now()
    try:
        services.withdraw_participant(now=now, actor=current_person(request), enrolment=enrolment)
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return _quote_error(request, quote, _refused(exc))
    messages.success(request, _("Participant retiré."))
    return _back(quote)


@login_required
@require_POST
def request_funding(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    return _submit_on_quote(
        request,
        quote,
        forms.FundingForm(request.POST, provider_id=quote.provider_id),
        "funding_form",
        lambda data: services.request_funding(
            now=timezone.now(),
            actor=current_person(request),
            quote=quote,
            funder=data["funder"],
            file_number=data["file_number"],
            amount_ht=data["amount_ht"],
            scheme=data["scheme"],
        ),
        _("Demande de prise en charge enregistrée."),
    )


def _funding_request(quote: Quote) -> FundingRequest:
    funding_request = FundingRequest.objects.filter(quote=quote).first()
    if funding_request is None:
        raise Http404
    return funding_request


@login_required
@require_POST
def record_agreement(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    funding_request = _funding_request(quote)
    return _submit_on_quote(
        request,
        quote,
        forms.AgreementForm(request.POST),
        "agreement_form",
        lambda data: services.record_agreement(
            now=timezone.now(),
            actor=current_person(request),
            request=funding_request,
            reference=data["reference"],
            covered_ht=data["covered_ht"],
            covered_hours=data["covered_hours"],
            received_at=data["received_at"],
        ),
        _("Accord de l'OPCO enregistré."),
    )


@login_required
@require_POST
def record_refusal(request: HttpRequest, quote_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    funding_request = _funding_request(quote)
    return _submit_on_quote(
        request,
        quote,
        forms.RefusalForm(request.POST),
        "refusal_form",
        lambda data: services.record_refusal(
            now=timezone.now(),
            actor=current_person(request),
            request=funding_request,
            reason=data["reason"],
            received_at=data["received_at"],
        ),
        _("Refus de l'OPCO enregistré."),
    )


@login_required
@require_POST
def convoke(request: HttpRequest, session_id: int) -> HttpResponse:
    person = current_person(request)
    session = selectors.visible_sessions(person).filter(pk=session_id).first()
    if session is None:
        raise Http404
    try:
        sent = convocations.send_convocations(now=timezone.now(), actor=person, session=session)
    except DomainError as exc:
        return _session_page(request, session, _refused(exc), str(exc.message))
    messages.success(request, _("%(count)s convocation(s) envoyée(s).") % {"count": sent})
    return HttpResponseRedirect(reverse("portal:training_session", args=[session.pk]))


@login_required
def funding_board(request: HttpRequest) -> HttpResponse:
    providers = scoping.staff_provider_ids(current_person(request))
    if not providers:
        raise Http404
    status = request.GET.get("statut", "")
    if status and status not in funding.STATUSES:
        status = ""
    groups = funding.board(providers, timezone.now(), status)
    return render(
        request,
        "training/staff/funding.html",
        {
            "groups": groups,
            "status": status,
            "statuses": [(s, funding.status_label(s)) for s in funding.STATUSES],
        },
    )


def session_of(request: HttpRequest, session_id: int) -> TrainingSession:
    session = selectors.visible_sessions(current_person(request)).filter(pk=session_id).first()
    if session is None:
        raise Http404
    return session


def _session_page(
    request: HttpRequest, session: TrainingSession, status: int = 200, error: str = ""
) -> HttpResponse:
    person = current_person(request)
    editor = session.provider_id in scoping.staff_provider_ids(person, services.STAFF_EDITORS)
    if not editor:
        raise Http404
    zone = contract_zone()
    slots = [
        {
            "slot": slot,
            "starts": slot.starts_at.astimezone(zone).strftime("%H:%M"),
            "ends": slot.ends_at.astimezone(zone).strftime("%H:%M"),
        }
        for slot in session.slots.order_by("starts_at")
    ]
    enrolments = (
        Enrolment.objects.filter(quote__session=session, status=EnrolmentStatus.ACTIVE)
        .select_related("participant", "quote__client")
        .order_by("pk")
    )
    return render(
        request,
        "training/staff/session.html",
        {
            "session": session,
            "slots": slots,
            "enrolments": enrolments,
            "error": error,
            "open": session.status == SessionStatus.SCHEDULED,
        },
        status=status,
    )


@login_required
def session_detail(request: HttpRequest, session_id: int) -> HttpResponse:
    return _session_page(request, session_of(request, session_id))


def _time(text: str) -> time | None:
    try:
        return time.fromisoformat(text.strip()) if len(text.strip()) == 5 else None
    except ValueError:
        return None


@login_required
@require_POST
def change_session(request: HttpRequest, session_id: int) -> HttpResponse:
    session = session_of(request, session_id)
    times: dict[int, tuple[time, time]] = {}
    for slot in session.slots.all():
        starts_text = request.POST.get(f"starts-{slot.pk}")
        ends_text = request.POST.get(f"ends-{slot.pk}")
        if starts_text is None and ends_text is None:
            continue
        starts, ends = _time(starts_text or ""), _time(ends_text or "")
        if starts is None or ends is None:
            return _session_page(request, session, 400, _("Horaire illisible : indiquez HH:MM."))
        times[slot.pk] = (starts, ends)
    try:
        sent = services.change_session(
            now=timezone.now(),
            actor=current_person(request),
            session=session,
            location=request.POST.get("location", ""),
            times=times,
        )
    except DomainError as exc:
        return _session_page(request, session, _refused(exc), str(exc.message))
    messages.success(
        request, _("Session modifiée ; %(count)s convocation(s) renvoyée(s).") % {"count": sent}
    )
    return HttpResponseRedirect(reverse("portal:training_session", args=[session.pk]))


def evaluation(request: HttpRequest, token: str) -> HttpResponse:
    """The participant's questionnaire, without login: the link's token is the key."""
    found = evaluations.by_token(token)
    if found is None:
        return render(request, "training/evaluation.html", {"unknown": True}, status=404)
    context: dict[str, Any] = {
        "evaluation": found,
        "training": found.enrolment.quote.session.training,
        "questions": evaluations.QUESTIONS[found.kind],
        "scale": list(evaluations.SCALE),
        "values": {},
        "done": found.answered_at is not None,
    }
    if request.method == "POST" and not context["done"]:
        try:
            evaluations.answer(now=timezone.now(), evaluation=found, data=request.POST.dict())
        except DomainError as exc:
            context |= {"error": str(exc.message), "values": request.POST.dict()}
            return render(request, "training/evaluation.html", context, status=400)
        context["done"] = True
        context["thanks"] = True
    return render(request, "training/evaluation.html", context)


@login_required
def evaluation_results(request: HttpRequest) -> HttpResponse:
    """Staff: their provider's results with the comments. A client's administrators: their
    own trainees' means only (`evaluations.client_results`, art. 23). Anyone else: 404."""
    person = current_person(request)
    providers = scoping.staff_provider_ids(person)
    if providers:
        return render(
            request,
            "training/staff/evaluations.html",
            {"trainings": evaluations.results(providers), "client": False},
        )
    clients = scoping.client_ids(person, {Role.CLIENT_ADMIN.value})
    if not clients:
        raise Http404
    return render(
        request,
        "training/staff/evaluations.html",
        {
            "trainings": evaluations.client_results(clients),
            "client": True,
            "min_answers": evaluations.CLIENT_MIN_ANSWERS,
        },
    )


@login_required
@require_POST
def extend_access(request: HttpRequest, quote_id: int, enrolment_id: int) -> HttpResponse:
    quote = _quote(request, quote_id)
    enrolment = Enrolment.objects.filter(quote=quote, pk=enrolment_id).first()
    if enrolment is None:
        raise Http404
    form = forms.ExtensionForm(request.POST, auto_id=f"id_ext{enrolment.pk}_%s")
    if not form.is_valid():
        return _quote_error(request, quote, 400, extension_form=form, extension_for=enrolment.pk)
    data = form.cleaned_data
    try:
        access.extend(
            now=timezone.now(),
            actor=current_person(request),
            enrolment=enrolment,
            days=data["days"],
            reason=data["reason"],
            clause=data["clause"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _quote_error(
            request, quote, _refused(exc), extension_form=form, extension_for=enrolment.pk
        )
    messages.success(request, _("Accès prolongé."))
    return _back(quote)
