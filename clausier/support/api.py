"""The support desk's API: tickets and their thread, emergencies and interventions,
advice time and quota counters. Objects a caller may not see answer 404."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts.api.people import caller
from clausier.accounts.models import Person
from clausier.apikit.pagination import Page
from clausier.support import documents, lookups, selectors
from clausier.support.errors import SupportError
from clausier.support.models import (
    Channel,
    EmergencyRequest,
    InterventionPlan,
    Ticket,
    TicketMessage,
)
from clausier.support.schemas import (
    AdviceIn,
    AdviceOut,
    AssignIn,
    EmergencyDetailOut,
    EmergencyIn,
    EmergencyOut,
    EscalationContactOut,
    EscalationListIn,
    FaultIn,
    MessageIn,
    MessageOut,
    PauseIn,
    PlanAcceptIn,
    PlanIn,
    PlanOut,
    QuotaOut,
    ScopeIn,
    SlaReportOut,
    StatusIn,
    TicketDetailOut,
    TicketIn,
    TicketOut,
)
from clausier.support.services import advice, emergencies, escalation, plans, report, tickets

router = Router(tags=["support"])
_MINUTE = timedelta(minutes=1)


def _minutes(value: timedelta) -> int:
    return int(value // _MINUTE)


def _ticket(request: HttpRequest, ticket_id: int) -> Ticket:
    return lookups.ticket_for(caller(request), ticket_id)


def ticket_detail(ticket: Ticket) -> dict[str, Any]:
    clock = tickets.clock_of(ticket, timezone.now())
    data = TicketOut.from_orm(ticket).model_dump()
    data["clock"] = {
        "deadline": clock.deadline,
        "acknowledged_at": clock.acknowledged_at,
        "taken_minutes": _minutes(clock.taken),
        "late_minutes": _minutes(clock.late_by),
        "breached": clock.breached,
        "clause": str(clock.clause),
    }
    return data


@router.get("/support/tickets", response=list[TicketOut])
@paginate(Page)
def list_tickets(request: HttpRequest) -> Any:
    return selectors.visible_tickets(caller(request)).order_by("-received_at", "-pk")


@router.post("/support/tickets", response={201: TicketDetailOut})
def create_ticket(request: HttpRequest, payload: TicketIn) -> Status[dict[str, Any]]:
    person = caller(request)
    client = lookups.client_for(person, payload.client_id)
    server = None
    if payload.server_id is not None:
        server = lookups.server_for(person, payload.server_id, client)
    ticket = tickets.open_ticket(
        now=timezone.now(),
        client=client,
        server=server,
        subject=payload.subject,
        body=payload.body,
        channel=Channel.API,
        actor=person,
    )
    return Status(201, ticket_detail(ticket))


@router.get("/support/tickets/{ticket_id}", response=TicketDetailOut)
def get_ticket(request: HttpRequest, ticket_id: int) -> dict[str, Any]:
    return ticket_detail(_ticket(request, ticket_id))


@router.get("/support/tickets/{ticket_id}/messages", response=list[MessageOut])
@paginate(Page)
def list_messages(request: HttpRequest, ticket_id: int) -> Any:
    ticket = _ticket(request, ticket_id)
    return (
        selectors.visible_messages(caller(request))
        .filter(ticket=ticket)
        .prefetch_related("attachments")
        .order_by("created_at", "pk")
    )


@router.post("/support/tickets/{ticket_id}/messages", response={201: MessageOut})
def post_message(request: HttpRequest, ticket_id: int, payload: MessageIn) -> Status[TicketMessage]:
    ticket = _ticket(request, ticket_id)
    message = tickets.post_message(
        now=timezone.now(),
        ticket=ticket,
        body=payload.body,
        channel=Channel.API,
        actor=caller(request),
        internal=payload.internal,
    )
    return Status(201, message)


@router.post("/support/tickets/{ticket_id}/status", response=TicketOut)
def set_status(request: HttpRequest, ticket_id: int, payload: StatusIn) -> Ticket:
    return tickets.change_status(
        now=timezone.now(),
        ticket=_ticket(request, ticket_id),
        actor=caller(request),
        status=payload.status,
    )


@router.post("/support/tickets/{ticket_id}/assign", response=TicketOut)
def assign(request: HttpRequest, ticket_id: int, payload: AssignIn) -> Ticket:
    ticket = _ticket(request, ticket_id)
    engineer = None
    if payload.engineer_id is not None:
        engineer = get_object_or_404(Person, pk=payload.engineer_id)
    return tickets.assign(ticket=ticket, actor=caller(request), engineer=engineer)


@router.post("/support/tickets/{ticket_id}/scope", response=TicketOut)
def set_scope(request: HttpRequest, ticket_id: int, payload: ScopeIn) -> Ticket:
    return tickets.mark_out_of_scope(
        ticket=_ticket(request, ticket_id), actor=caller(request), out_of_scope=payload.out_of_scope
    )


@router.get("/support/attachments/{attachment_id}")
def download_attachment(request: HttpRequest, attachment_id: int) -> FileResponse:
    """Served only to those who see its message, as a download, never inline."""
    return lookups.attachment_response(caller(request), attachment_id)


# -- emergencies ---------------------------------------------------------------------


def _emergency(request: HttpRequest, emergency_id: int) -> EmergencyRequest:
    return lookups.emergency_for(caller(request), emergency_id)


def emergency_detail(request_row: EmergencyRequest) -> dict[str, Any]:
    now = timezone.now()
    data = EmergencyOut.from_orm(request_row).model_dump()
    gti = emergencies.gti_status(request_row, now)
    data["gti"] = {
        "late_minutes": _minutes(gti.measured),
        "percent": gti.percent,
        "amount": gti.amount,
        "clause": str(gti.clause),
    }
    gtr = emergencies.gtr_status(request_row, now)
    data["gtr"] = None
    if gtr is not None:
        data["gtr"] = {
            "late_minutes": _minutes(gtr.counted),
            "percent": gtr.percent,
            "amount": gtr.amount,
            "clause": str(gtr.clause),
            "eligible": gtr.eligible,
        }
    data["credits"] = [
        {
            "kind": c.kind,
            "month": c.month.isoformat(),
            "computed": c.computed,
            "granted": c.granted,
            "clause": c.clause,
        }
        for c in request_row.credits.all()
    ]
    return data


@router.get("/support/emergencies", response=list[EmergencyOut])
@paginate(Page)
def list_emergencies(request: HttpRequest) -> Any:
    return selectors.visible_emergencies(caller(request)).order_by("-contacted_at", "-pk")


@router.post("/support/emergencies", response={201: EmergencyDetailOut})
def create_emergency(request: HttpRequest, payload: EmergencyIn) -> Status[dict[str, Any]]:
    person = caller(request)
    server = lookups.server_for(person, payload.server_id)
    row = emergencies.request_emergency(
        now=timezone.now(),
        server=server,
        channel=payload.channel,
        description=payload.description,
        actor=person,
        contacted_at=payload.contacted_at,
        blocking=payload.blocking,
    )
    return Status(201, emergency_detail(row))


@router.get("/support/emergencies/{emergency_id}", response=EmergencyDetailOut)
def get_emergency(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    return emergency_detail(_emergency(request, emergency_id))


@router.post("/support/emergencies/{emergency_id}/confirm", response=EmergencyDetailOut)
def confirm(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.confirm_in_writing(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/start", response=EmergencyDetailOut)
def start(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.start_intervention(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/pause", response=EmergencyDetailOut)
def pause(request: HttpRequest, emergency_id: int, payload: PauseIn) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.pause(now=timezone.now(), request=row, actor=caller(request), reason=payload.reason)
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/resume", response=EmergencyDetailOut)
def resume(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.resume(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/restore", response=EmergencyDetailOut)
def restore(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.restore(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/end", response=EmergencyDetailOut)
def end(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.end_intervention(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/fault", response=EmergencyDetailOut)
def fault(request: HttpRequest, emergency_id: int, payload: FaultIn) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.record_fault(
        now=timezone.now(),
        request=row,
        actor=caller(request),
        fault=payload.fault,
        note=payload.note,
    )
    return emergency_detail(row)


@router.post("/support/emergencies/{emergency_id}/accept-out-of-hours", response=EmergencyDetailOut)
def accept_out_of_hours(request: HttpRequest, emergency_id: int) -> dict[str, Any]:
    row = _emergency(request, emergency_id)
    emergencies.accept_out_of_hours(now=timezone.now(), request=row, actor=caller(request))
    return emergency_detail(row)


# -- interventions that immobilise the system: dates agreed (art. 5) ---------------------


def _plan(request: HttpRequest, plan_id: int) -> InterventionPlan:
    return lookups.plan_for(caller(request), plan_id)


@router.get("/support/plans", response=list[PlanOut])
@paginate(Page)
def list_plans(request: HttpRequest) -> Any:
    return (
        selectors.visible_plans(caller(request))
        .prefetch_related("slots")
        .order_by("-proposed_at", "-pk")
    )


@router.post("/support/servers/{server_id}/plans", response={201: PlanOut})
def propose_plan(request: HttpRequest, server_id: int, payload: PlanIn) -> Status[InterventionPlan]:
    server = lookups.server_for(caller(request), server_id)
    plan = plans.propose(
        now=timezone.now(),
        server=server,
        actor=caller(request),
        description=payload.description,
        slots=[(slot.starts_at, slot.ends_at) for slot in payload.slots],
    )
    return Status(201, plan)


@router.get("/support/plans/{plan_id}", response=PlanOut)
def get_plan(request: HttpRequest, plan_id: int) -> InterventionPlan:
    return _plan(request, plan_id)


@router.post("/support/plans/{plan_id}/accept", response=PlanOut)
def accept_plan(request: HttpRequest, plan_id: int, payload: PlanAcceptIn) -> InterventionPlan:
    return plans.accept(
        now=timezone.now(),
        plan=_plan(request, plan_id),
        slot_id=payload.slot_id,
        actor=caller(request),
        accept_out_of_hours=payload.accept_out_of_hours,
    )


# -- the escalation list (art. 5) -----------------------------------------------------------


@router.get("/support/providers/{provider_id}/escalation-list", response=list[EscalationContactOut])
def escalation_list(request: HttpRequest, provider_id: int) -> list[Any]:
    """The e-mails and phone numbers a client escalates to (art. 5), in order: the
    provider's staff and its clients' users; 404 for anyone else."""
    provider = lookups.provider_for(caller(request), provider_id)
    return escalation.contacts_of(provider.pk)


@router.put("/support/providers/{provider_id}/escalation-list", response=list[EscalationContactOut])
def replace_escalation_list(
    request: HttpRequest, provider_id: int, payload: EscalationListIn
) -> list[Any]:
    """Replace the whole list (support staff; 403 for a client user). 400
    `escalation_list_empty`, `escalation_list_too_long`, `escalation_name`,
    `escalation_unreachable`, `escalation_phone`, `escalation_email`, `escalation_hours`:
    nothing is changed."""
    person = caller(request)
    provider = lookups.provider_for(person, provider_id)
    return escalation.replace_list(
        now=timezone.now(),
        actor=person,
        provider=provider,
        contacts=[contact.model_dump() for contact in payload.contacts],
    )


# -- per server: quota and advice ----------------------------------------------------------


@router.get("/support/servers/{server_id}/quota", response=QuotaOut)
def quota(request: HttpRequest, server_id: int) -> dict[str, Any]:
    server = lookups.server_for(caller(request), server_id)
    counter = emergencies.quota_of(server, timezone.now())
    return {
        "server_id": server.pk,
        "year_start": counter.year_start.isoformat(),
        "year_end": counter.year_end.isoformat(),
        "used": counter.used_before,
        "quota": counter.quota,
        "clause": str(counter.clause),
    }


def _advice(server_id: int, request: HttpRequest) -> dict[str, Any]:
    server = lookups.server_for(caller(request), server_id)
    balance = advice.balance_of(server, timezone.now())
    return {
        "server_id": server.pk,
        "earned_minutes": _minutes(balance.earned),
        "used_minutes": _minutes(balance.used),
        "balance_minutes": _minutes(balance.balance),
        "clause": str(balance.clause),
    }


@router.get("/support/servers/{server_id}/advice", response=AdviceOut)
def advice_balance(request: HttpRequest, server_id: int) -> dict[str, Any]:
    return _advice(server_id, request)


@router.post("/support/servers/{server_id}/advice", response={201: AdviceOut})
def log_advice(request: HttpRequest, server_id: int, payload: AdviceIn) -> Status[dict[str, Any]]:
    server = lookups.server_for(caller(request), server_id)
    advice.log_advice(
        now=timezone.now(),
        server=server,
        actor=caller(request),
        minutes=payload.minutes,
        note=payload.note,
    )
    return Status(201, _advice(server_id, request))


def _client_report(request: HttpRequest, client_id: int, month: str | None) -> report.ClientReport:
    """The month's report of a client the caller sees (staff of its provider, its own
    users; 404 otherwise); a bad month or a client without accepted terms is a 400."""
    client = lookups.client_for(caller(request), client_id)
    now = timezone.now()
    return report.client_report(client, report.parse_month(month, now), now)


def _report_figures(built: report.ClientReport, now: Any) -> dict[str, Any]:
    return {
        "client_id": built.client.pk,
        "month": f"{built.month:%Y-%m}",
        "generated_at": now,
        "tickets": {
            "opened": len(built.opened),
            "closed": built.closed_count,
            "acknowledged_in_time": built.acknowledged_in_time,
            "breached": len(built.breaches),
            "clause": str(built.ack_clause) if built.ack_clause else None,
            "items": [
                {
                    "ticket_id": line.ticket.pk,
                    "reference": line.ticket.reference,
                    "subject": line.ticket.subject,
                    "received_at": line.clock.received_at,
                    "deadline": line.clock.deadline,
                    "acknowledged_at": line.clock.acknowledged_at,
                    "taken_minutes": line.taken_minutes,
                    "late_minutes": line.late_minutes,
                    "breached": line.clock.breached,
                }
                for line in built.opened
            ],
        },
        "emergencies": [
            {
                "emergency_id": e.request.pk,
                "reference": e.request.reference,
                "server_id": e.request.server_id,
                "contacted_at": e.request.contacted_at,
                "within_quota": e.request.within_quota,
                "gti_due_at": e.request.gti_due_at,
                "started_at": e.request.started_at,
                "gti_late_minutes": e.gti_late_minutes,
                "gti_percent": e.gti.percent,
                "gti_amount": e.gti.amount,
                "gti_clause": str(e.gti.clause),
                "gtr_counted_minutes": e.gtr_counted_minutes,
                "gtr_eligible": None if e.gtr is None else e.gtr.eligible,
                "gtr_percent": None if e.gtr is None else e.gtr.percent,
                "gtr_amount": None if e.gtr is None else e.gtr.amount,
                "gtr_clause": None if e.gtr is None else str(e.gtr.clause),
                "pauses": [
                    {"reason": p.reason, "started_at": p.started_at, "ended_at": p.ended_at}
                    for p in e.pauses
                ],
            }
            for e in built.emergencies
        ],
        "credits": [
            {
                "emergency_id": c.request_id,
                "reference": c.request.reference,
                "server_id": c.server_id,
                "kind": c.kind,
                "computed": c.computed,
                "granted": c.granted,
                "clause": c.clause,
            }
            for c in built.credits
        ],
        "credits_total": built.credits_total,
        "servers": [
            {
                "server_id": s.server.pk,
                "name": s.server.name,
                "emergencies_used": s.quota.used_before,
                "emergency_quota": s.quota.quota,
                "quota_year_start": s.quota.year_start.isoformat(),
                "quota_year_end": s.quota.year_end.isoformat(),
                "quota_clause": str(s.quota.clause),
                "advice_used_in_month_minutes": s.advice_used_in_month,
                "advice_balance_minutes": s.advice.balance_minutes,
                "advice_clause": str(s.advice.clause),
            }
            for s in built.servers
        ],
    }


@router.get("/support/clients/{client_id}/sla-report", response=SlaReportOut)
def sla_report(request: HttpRequest, client_id: int, month: str | None = None) -> dict[str, Any]:
    """The monthly SLA report's figures (art. 3.4, 5, 8.1, 14), as the page shows them;
    `month` is `YYYY-MM` in the contract's zone, the current month when absent."""
    built = _client_report(request, client_id, month)
    return _report_figures(built, timezone.now())


@router.get("/support/clients/{client_id}/sla-report/pdf")
def sla_report_pdf(
    request: HttpRequest, client_id: int, month: str | None = None, lang: str | None = None
) -> HttpResponse:
    """The same report as the portal's PDF, in `lang` (fr, de, en) or the caller's language."""
    if lang is not None and lang not in dict(settings.LANGUAGES):
        raise SupportError(_("Langue attendue : fr, de ou en."), "invalid_language")
    built = _client_report(request, client_id, month)
    monthly = report.MonthlyReport(
        provider=built.client.provider,
        month=built.month,
        generated_at=timezone.now(),
        clients=[built],
    )
    with translation.override(lang or translation.get_language()):
        content = documents.report_pdf(monthly, request)
    response = HttpResponse(content, content_type="application/pdf")
    name = f"rapport-sla-{built.month:%Y-%m}-{built.client.pk}"
    response["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
