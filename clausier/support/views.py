"""The support desk in the portal: the client's tickets and emergencies with their
clocks, a ticket's thread and reply form, the emergency button; for the provider's staff,
the queue sorted by the next breach, filtered by client, server or engineer."""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from clausier.accounts.reach import request_reach
from clausier.accounts.scoping import staff_provider_ids
from clausier.accounts.selectors import visible_clients
from clausier.accounts.views import current_person
from clausier.core.errors import DomainError
from clausier.monitoring.models import ManagedServer
from clausier.support import selectors
from clausier.support.models import Channel, EmergencyRequest, Ticket
from clausier.support.services import advice, attachments, emergencies, tickets

QUEUE_SIZE = 100


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
        "clients": visible_clients(person).order_by("legal_name")[:200],
    }
    return render(request, "support/home.html", context)


def _open_ticket(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    client = visible_clients(person).filter(pk=_pk(request.POST.get("client"))).first()
    if client is None:
        raise Http404
    server = None
    if _int(request.POST.get("server")):
        server = (
            selectors.visible_servers(person)
            .filter(client=client, pk=_pk(request.POST.get("server")))
            .first()
        )
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
    ticket = (
        selectors.visible_tickets(current_person(request))
        .select_related("client__provider", "server", "assignee")
        .filter(pk=ticket_id)
        .first()
    )
    if ticket is None:
        raise Http404
    return ticket


@login_required
@require_http_methods(["GET", "POST"])
def ticket_detail(request: HttpRequest, ticket_id: int) -> HttpResponse:
    ticket = _ticket(request, ticket_id)
    person = current_person(request)
    if request.method == "POST":
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
            messages.error(request, str(exc.message))
        return redirect("portal:support_ticket", ticket.pk)
    thread = (
        selectors.visible_messages(person)
        .filter(ticket=ticket)
        .select_related("author")
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )
    context = {
        "ticket": ticket,
        "clock": tickets.clock_of(ticket, timezone.now()),
        "thread": thread,
        "staff": ticket.provider_id in staff_provider_ids(person),
    }
    return render(request, "support/ticket.html", context)


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = (
        selectors.visible_attachments(current_person(request)).filter(pk=attachment_id).first()
    )
    if attachment is None:
        raise Http404
    response = FileResponse(
        BytesIO(attachments.read(attachment)),
        content_type=attachment.content_type,
        as_attachment=True,
        filename=attachment.filename,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def emergency_button(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    server = (
        selectors.visible_servers(person)
        .select_related("client__provider")
        .filter(pk=_pk(request.POST.get("server")))
        .first()
    )
    if server is None:
        raise Http404
    try:
        row = emergencies.request_emergency(
            now=timezone.now(),
            server=server,
            channel=Channel.PORTAL,
            description=request.POST.get("description", ""),
            actor=person,
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:support")
    messages.success(request, _("Demande d'intervention urgente enregistrée."))
    return redirect("portal:support_emergency", row.pk)


def _emergency(request: HttpRequest, emergency_id: int) -> EmergencyRequest:
    row = (
        selectors.visible_emergencies(current_person(request))
        .select_related("server", "client__provider")
        .filter(pk=emergency_id)
        .first()
    )
    if row is None:
        raise Http404
    return row


@login_required
@require_http_methods(["GET", "POST"])
def emergency_detail(request: HttpRequest, emergency_id: int) -> HttpResponse:
    row = _emergency(request, emergency_id)
    now = timezone.now()
    if request.method == "POST":
        try:
            emergencies.confirm_in_writing(now=now, request=row, actor=current_person(request))
        except DomainError as exc:
            messages.error(request, str(exc.message))
        return redirect("portal:support_emergency", row.pk)
    context = {
        "request_row": row,
        "gti": emergencies.gti_status(row, now),
        "gtr": emergencies.gtr_status(row, now),
        "credits": row.credits.all(),
    }
    return render(request, "support/emergency.html", context)
