"""The support desk in the portal: the client's tickets and emergencies with their
clocks, a ticket's thread and reply form, the emergency button; for the provider's staff,
the queue sorted by the next breach, filtered by client, server or engineer."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clausier.accounts.models import Provider
from clausier.accounts.reach import request_reach
from clausier.accounts.scoping import staff_provider_ids
from clausier.accounts.selectors import visible_clients
from clausier.accounts.views import current_person
from clausier.core.errors import DomainError
from clausier.core.htmx import is_htmx, render_page_or_fragment
from clausier.monitoring.models import ManagedServer
from clausier.support import documents, lookups, selectors
from clausier.support.errors import SupportError
from clausier.support.forms import EscalationFormSet, compacted, filled_rows, initial_rows
from clausier.support.models import (
    Channel,
    EmergencyRequest,
    FaultKind,
    PauseReason,
    Ticket,
    TicketStatus,
)
from clausier.support.services import (
    advice,
    attachments,
    emergencies,
    escalation,
    plans,
    report,
    tickets,
)
from clausier.support.services.contract import (
    SUPPORT_ROLES,
    is_client_user,
    is_support_staff,
    support_staff,
)

QUEUE_SIZE = 100
PLAN_SLOTS = 3  # slots a proposal form offers (the service takes up to 5)


def is_support_user(request: HttpRequest) -> bool:
    """The menu entry: people of a provider or client with managed servers (the hosting
    contract's support desk); one query, on the request's reach."""
    reach = request_reach(request)
    return ManagedServer.objects.filter(
        Q(provider_id__in=set(reach.staff)) | Q(client_id__in=reach.member_client_ids)
    ).exists()


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() else None


def _pk(value: str | None) -> int:
    """A submitted id; 0 (no row) when it is not one."""
    return _int(value) or 0


def _queue(request: HttpRequest, reach: selectors.Reach) -> list[Any]:
    filters = {
        "client_id": _int(request.GET.get("client")),
        "server_id": _int(request.GET.get("server")),
        "assignee_id": _int(request.GET.get("engineer")),
    }
    chosen = {k: v for k, v in filters.items() if v is not None}
    return selectors.staff_queue(reach, QUEUE_SIZE, **chosen)


@login_required
@require_http_methods(["GET", "POST"])
def support_home(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    now = timezone.now()
    if request.method == "POST":
        return _open_ticket(request)
    reach = selectors.Reach.of(person)
    staff = bool(reach.staff)
    # Staff work from the queue; the list is the client's own tickets.
    ticket_rows = Ticket.objects.filter(client_id__in=reach.clients).select_related(
        "client__provider", "server"
    )
    emergency_rows = selectors.visible_emergencies(reach).select_related(
        "server", "client__provider"
    )
    servers = list(selectors.visible_servers(reach).select_related("client__provider"))
    context = {
        "staff": staff,
        "queue": _queue(request, reach) if staff else [],
        # Lists read the stored deadlines (no calendar per row); a ticket's own page
        # shows the full clock with the office time taken.
        "tickets": [
            {"ticket": t, "breached": (t.acknowledged_at or now) > t.ack_due_at}
            for t in ticket_rows.order_by("-received_at", "-pk")[:50]
        ],
        "emergencies": [
            {"request": e, "late": (e.started_at or now) > e.gti_due_at}
            for e in emergency_rows.order_by("-contacted_at", "-pk")[:20]
        ],
        "servers": [
            {
                "server": s,
                "quota": emergencies.quota_of(s, now),
                "advice": advice.balance_of(s, now),
            }
            for s in servers
        ],
        "plans": selectors.visible_plans(reach)
        .select_related("server", "accepted_slot")
        .order_by("-proposed_at", "-pk")[:20],
        "plan_slots": range(1, PLAN_SLOTS + 1),
        "escalation_lists": _escalation_lists(
            person, set(reach.staff) | {s.client.provider_id for s in servers}
        ),
        "clients": visible_clients(person).order_by("legal_name")[:200],
        "engineers": support_staff(min(reach.staff)) if staff else [],
    }
    return render(request, "support/home.html", context)


def _open_ticket(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    client = lookups.client_for(person, _pk(request.POST.get("client")))
    server = None
    if _int(request.POST.get("server")):
        server = lookups.server_for(person, _pk(request.POST.get("server")), client)
    try:
        ticket = tickets.open_ticket(
            now=timezone.now(),
            client=client,
            server=server,
            subject=request.POST.get("subject", ""),
            body=request.POST.get("body", ""),
            channel=Channel.PORTAL,
            actor=person,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:support")
    return redirect("portal:support_ticket", ticket.pk)


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return lookups.ticket_for(current_person(request), ticket_id)


def _post_reply(request: HttpRequest, ticket: Ticket, person: Any) -> str:
    """Post the reply form's message (art. 5: a public reply acknowledges the ticket);
    returns the refusal's text, empty when it was posted."""
    try:
        message = tickets.post_message(
            now=timezone.now(),
            ticket=ticket,
            body=request.POST.get("body", ""),
            channel=Channel.PORTAL,
            actor=person,
            internal=request.POST.get("internal") == "on",
        )
        upload = request.FILES.get("attachment")
        if upload is not None:
            attachments.attach(
                now=timezone.now(),
                message=message,
                filename=upload.name or "",
                content=upload.read(attachments.MAX_SIZE + 1),
            )
    except DomainError as exc:
        return str(exc.message)
    return ""


def _ticket_context(ticket: Ticket, person: Any) -> dict[str, Any]:
    thread = (
        selectors.visible_messages(person)
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    staff = is_support_staff(person, ticket.provider_id)
    return {
        "ticket": ticket,
        "clock": tickets.clock_of(ticket, timezone.now()),
        "thread": thread,
        "staff": staff,
        "statuses": TicketStatus.choices,
        "engineers": support_staff(ticket.provider_id) if staff else [],
    }


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """A ticket's thread and reply form. The reply posted by htmx gets the conversation
    back (and the acknowledgement clock, out of band); a plain post is redirected."""
    ticket = _ticket(request, ticket_id)
    person = current_person(request)
    if request.method == "POST":
        refused = _post_reply(request, ticket, person)
        if not is_htmx(request):
            if refused:
                messages.error(request, refused)
            return redirect("portal:support_ticket", ticket.pk)
        ticket.refresh_from_db()
        context = _ticket_context(ticket, person)
        context.update(
            oob=True,
            reply_message=refused or _("Message enregistré."),
            reply_message_tag="error" if refused else "success",
            draft=request.POST.get("body", "") if refused else "",
        )
        return render_page_or_fragment(
            request, "support/ticket.html", "support/_conversation.html", context
        )
    return render(request, "support/ticket.html", _ticket_context(ticket, person))


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    return lookups.attachment_response(current_person(request), attachment_id)


@login_required
@require_POST
def emergency_button(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    server = lookups.server_for(person, _pk(request.POST.get("server")))
    phone = request.POST.get("channel") == Channel.PHONE
    try:
        row = emergencies.request_emergency(
            now=timezone.now(),
            server=server,
            # Staff log a call with its time (the clock starts at contact, art. 5).
            channel=Channel.PHONE if phone else Channel.PORTAL,
            description=request.POST.get("description", ""),
            actor=person,
            contacted_at=_local_time(request.POST.get("contacted_at")) if phone else None,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:support")
    messages.success(request, _("Demande d'intervention urgente enregistrée."))
    return redirect("portal:support_emergency", row.pk)


def _emergency(request: HttpRequest, emergency_id: int) -> EmergencyRequest:
    return lookups.emergency_for(current_person(request), emergency_id)


@login_required
@require_http_methods(["GET", "POST"])
def emergency_detail(request: HttpRequest, emergency_id: int) -> HttpResponse:
    row = _emergency(request, emergency_id)
    now = timezone.now()
    person = current_person(request)
    if request.method == "POST":
        action = request.POST.get("action", "confirm")
        try:
            _emergency_action(action, row, person, now, request.POST)
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("C'est enregistré."))
        return redirect("portal:support_emergency", row.pk)
    open_pause = next((p for p in row.pauses.all() if p.ended_at is None), None)
    context = {
        "request_row": row,
        "gti": emergencies.gti_status(row, now),
        "gtr": emergencies.gtr_status(row, now),
        "credits": row.credits.all(),
        "pauses": row.pauses.all(),
        "open_pause": open_pause,
        "pause_reasons": PauseReason.choices,
        "faults": FaultKind.choices,
        "staff": is_support_staff(person, row.provider_id),
        "client_user": is_client_user(person, row.client_id),
        "escalation_lists": _escalation_lists(person, {row.provider_id}),
    }
    return render(request, "support/emergency.html", context)


def _escalation_lists(person: Any, provider_ids: set[int]) -> list[dict[str, Any]]:
    """Each provider's escalation list (art. 5), for the pages that show it; `editable`
    for the provider's support staff (the form's link)."""
    return [
        {
            "provider": provider,
            "contacts": escalation.contacts_of(provider.pk),
            "editable": is_support_staff(person, provider.pk),
        }
        for provider in Provider.objects.filter(pk__in=provider_ids).order_by("legal_name")
    ]


@login_required
@require_http_methods(["GET", "POST"])
def escalation_form(request: HttpRequest, provider_id: int) -> HttpResponse:
    """The provider's support staff edit the whole escalation list (art. 5) through
    `escalation.replace_list`, as over the API; 404 for anyone else. A refused list is
    shown again as typed and nothing changes."""
    person = current_person(request)
    provider = get_object_or_404(
        Provider.objects.filter(pk__in=staff_provider_ids(person, SUPPORT_ROLES)), pk=provider_id
    )
    current = escalation.contacts_of(provider.pk)
    status, error = 200, None
    if request.method == "POST":
        formset = EscalationFormSet(request.POST, prefix="contact")
        status = 400
        if formset.is_valid():
            try:
                escalation.replace_list(
                    now=timezone.now(),
                    actor=person,
                    provider=provider,
                    contacts=filled_rows(formset),
                )
            except DomainError as exc:
                error = exc.message
                formset = compacted(formset)
            else:
                messages.success(request, _("Liste d'escalade publiée (art. 5)."))
                return redirect("portal:support_escalation", provider.pk)
    else:
        formset = EscalationFormSet(initial=initial_rows(current), prefix="contact")
    context = {"provider": provider, "formset": formset, "contacts": current, "error": error}
    return render(request, "support/escalation_form.html", context, status=status)


def _emergency_action(action: str, row: EmergencyRequest, person: Any, now: Any, data: Any) -> None:
    """The intervention's steps from the portal: the API's services, rules and audit."""
    if action == "confirm":
        emergencies.confirm_in_writing(now=now, request=row, actor=person)
    elif action == "start":
        emergencies.start_intervention(now=now, request=row, actor=person)
    elif action == "pause":
        emergencies.pause(now=now, request=row, actor=person, reason=data.get("reason", ""))
    elif action == "resume":
        emergencies.resume(now=now, request=row, actor=person)
    elif action == "restore":
        emergencies.restore(now=now, request=row, actor=person)
    elif action == "end":
        emergencies.end_intervention(now=now, request=row, actor=person)
    elif action == "fault":
        emergencies.record_fault(
            now=now,
            request=row,
            actor=person,
            fault=data.get("fault", ""),
            note=data.get("note", ""),
        )
    elif action == "accept_out_of_hours":
        emergencies.accept_out_of_hours(now=now, request=row, actor=person)
    else:
        raise SupportError(_("Action inconnue."), "invalid_action")


@login_required
@require_POST
def ticket_action(request: HttpRequest, ticket_id: int) -> HttpResponse:
    """Staff change a ticket's status, its engineer or its scope (art. 3.3)."""
    ticket = _ticket(request, ticket_id)
    person = current_person(request)
    action = request.POST.get("action", "")
    try:
        if action == "status":
            tickets.change_status(
                now=timezone.now(),
                ticket=ticket,
                actor=person,
                status=request.POST.get("status", ""),
            )
        elif action == "assign":
            engineer = None
            if _int(request.POST.get("engineer")):
                engineer = (
                    support_staff(ticket.provider_id)
                    .filter(pk=_pk(request.POST.get("engineer")))
                    .first()
                )
                if engineer is None:
                    raise SupportError(
                        _("Seul un ingénieur du prestataire peut être assigné."),
                        "invalid_assignee",
                    )
            tickets.assign(ticket=ticket, actor=person, engineer=engineer)
        elif action == "scope":
            tickets.mark_out_of_scope(
                ticket=ticket, actor=person, out_of_scope=request.POST.get("out_of_scope") == "on"
            )
        else:
            raise SupportError(_("Action inconnue."), "invalid_action")
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("C'est enregistré."))
    return redirect("portal:support_ticket", ticket.pk)


def _local_time(value: str | None) -> datetime | None:
    """A `datetime-local` field, read in the portal's time zone; None when unreadable."""
    parsed = parse_datetime(value or "")
    if parsed is None:
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed, timezone.get_current_timezone())
    return parsed


def _report(request: HttpRequest) -> tuple[report.MonthlyReport, dict[str, Any]]:
    """The report the reader may see: staff over their provider's clients (one or all),
    a client's users over their own organisation. 404 for a client out of reach."""
    person = current_person(request)
    now = timezone.now()
    month = report.parse_month(request.GET.get("mois"), now)
    reach = selectors.Reach.of(person)
    with_servers = ManagedServer.objects.values("client_id")
    choices = list(
        visible_clients(person)
        .filter(pk__in=with_servers)
        .select_related("provider")
        .order_by("legal_name")
    )
    staff = bool(reach.staff)
    if staff:
        provider_id = min(reach.staff)
        choices = [c for c in choices if c.provider_id == provider_id]
    chosen = _int(request.GET.get("client"))
    if chosen is not None:
        clients = [c for c in choices if c.pk == chosen]
        if not clients:
            raise Http404
    elif staff:
        clients = choices
    else:
        clients = choices[:1]
    provider = (
        clients[0].provider if clients else Provider.objects.filter(pk__in=reach.staff).first()
    )
    built = report.monthly_report(provider=provider, month=month, now=now, clients=clients)
    selected = clients[0].pk if len(clients) == 1 else None
    return built, {"choices": choices, "staff": staff, "selected": selected}


@login_required
def sla_report(request: HttpRequest) -> HttpResponse:
    try:
        built, extra = _report(request)
    except DomainError as exc:
        return render(request, "support/report_error.html", {"error": exc.message}, status=400)
    return render(request, "support/report.html", {"report": built, **extra})


@login_required
def sla_report_pdf(request: HttpRequest) -> HttpResponse:
    try:
        built, extra = _report(request)
    except DomainError as exc:
        return render(request, "support/report_error.html", {"error": exc.message}, status=400)
    content = documents.report_pdf(built, request)
    name = f"rapport-sla-{built.month:%Y-%m}"
    if extra["selected"]:
        name += f"-{extra['selected']}"
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response


@login_required
@require_POST
def propose_plan(request: HttpRequest) -> HttpResponse:
    """Staff propose dates for an intervention that immobilises the system (art. 5)."""
    person = current_person(request)
    server = lookups.server_for(person, _pk(request.POST.get("server")))
    slots = []
    for n in range(1, PLAN_SLOTS + 1):
        start = _local_time(request.POST.get(f"slot{n}_start"))
        minutes = _int(request.POST.get(f"slot{n}_minutes"))
        if start is not None and minutes:
            slots.append((start, start + timedelta(minutes=minutes)))
    try:
        plan = plans.propose(
            now=timezone.now(),
            server=server,
            actor=person,
            description=request.POST.get("description", ""),
            slots=slots,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:support")
    return redirect("portal:support_plan", plan.pk)


@login_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The proposed slots; the client's users accept one."""
    person = current_person(request)
    plan = lookups.plan_for(person, plan_id)
    if request.method == "POST":
        try:
            plans.accept(
                now=timezone.now(),
                plan=plan,
                slot_id=_pk(request.POST.get("slot")),
                actor=person,
                accept_out_of_hours=request.POST.get("accept_out_of_hours") == "on",
            )
        except DomainError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Date convenue."))
        return redirect("portal:support_plan", plan.pk)
    context = {
        "plan": plan,
        "slots": plan.slots.all(),
        "client_user": is_client_user(person, plan.client_id),
    }
    return render(request, "support/plan.html", context)
