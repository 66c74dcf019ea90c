"""Tickets (art. 5 "Support"): opening, the thread, statuses, assignment, and the
acknowledgement clock, which the first human reply of the provider stops.

Two engineers replying at once: the acknowledgement is a conditional UPDATE (`WHERE
acknowledged_at IS NULL`), so exactly one reply is the acknowledgement; the other is an
ordinary message.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import ClientOrganisation, Person
from clausier.core import audit
from clausier.monitoring.models import ManagedServer
from clausier.support.clock import TicketClock, ticket_clock
from clausier.support.errors import NotSupportStaff, SupportError
from clausier.support.models import (
    CLOSED_STATUSES,
    Channel,
    Ticket,
    TicketMessage,
    TicketStatus,
)
from clausier.support.services.contract import (
    calendar_of,
    is_support_staff,
    pack_of_client,
    require_party,
    require_support_staff,
)
from clausier.support.services.outbound import mail_reply
from clausier.terms.rules.managed_hosting import ticket_ack_deadline

SUBJECT_MAX = 200


def _check_server(client: ClientOrganisation, server: ManagedServer | None) -> None:
    if server is not None and server.client_id != client.pk:
        raise SupportError(_("Ce serveur n'appartient pas au client."), "invalid_server")


def open_ticket(
    *,
    now: datetime,
    client: ClientOrganisation,
    subject: str,
    body: str,
    channel: str,
    actor: Person | None = None,
    requester_email: str = "",
    server: ManagedServer | None = None,
    message_id: str = "",
    human: bool = True,
) -> Ticket:
    """A new ticket and its first message; the acknowledgement clock starts at receipt."""
    subject, body = subject.strip(), body.strip()
    if not subject or not body:
        raise SupportError(_("Un ticket a un objet et un message."), "invalid_ticket")
    if actor is not None:
        require_party(actor, client.provider_id, client.pk)
    _check_server(client, server)
    pack = pack_of_client(client)
    ack = ticket_ack_deadline(now, pack, calendar_of(client, pack))
    staff = actor is not None and is_support_staff(actor, client.provider_id)
    with transaction.atomic():
        ticket = Ticket.objects.create(
            provider_id=client.provider_id,
            client=client,
            server=server,
            subject=subject[:SUBJECT_MAX],
            channel=channel,
            opened_by=actor,
            requester_email=requester_email or (actor.email if actor else ""),
            received_at=ack.received_at,
            ack_due_at=ack.deadline,
            ack_clause=str(ack.clause),
            created_at=now,
        )
        TicketMessage.objects.create(
            ticket=ticket,
            author=actor,
            author_email=requester_email or (actor.email if actor else ""),
            from_staff=staff,
            body=body,
            human=human,
            channel=channel,
            message_id=message_id,
            created_at=now,
        )
        audit.record(
            "support.ticket_opened", ticket, actor=actor, provider=client.provider, client=client
        )
    return ticket


def post_message(
    *,
    now: datetime,
    ticket: Ticket,
    body: str,
    channel: str,
    actor: Person | None = None,
    author_email: str = "",
    internal: bool = False,
    human: bool = True,
    message_id: str = "",
) -> TicketMessage:
    """Add to the thread. A public human reply by support staff acknowledges the ticket
    if nothing did before; an internal note or an automatic message never does."""
    body = body.strip()
    if not body:
        raise SupportError(_("Le message est vide."), "invalid_message")
    staff = actor is not None and is_support_staff(actor, ticket.provider_id)
    if actor is not None:
        require_party(actor, ticket.provider_id, ticket.client_id)
    if internal and not staff:
        raise NotSupportStaff(_("Seul le prestataire écrit des notes internes."))
    with transaction.atomic():
        message = TicketMessage.objects.create(
            ticket=ticket,
            author=actor,
            author_email=author_email or (actor.email if actor else ""),
            from_staff=staff,
            body=body,
            internal=internal,
            human=human,
            channel=channel,
            message_id=message_id,
            created_at=now,
        )
        if staff and human and not internal:
            acknowledge(ticket=ticket, actor=actor, at=now)
            mail_reply(ticket, message, now)
            if ticket.status == TicketStatus.NEW:
                _set_status(ticket, TicketStatus.OPEN, now)
        elif (
            not staff
            and human
            and ticket.status
            in {
                TicketStatus.WAITING_CLIENT,
                *CLOSED_STATUSES,
            }
        ):
            # The client answered, or wrote again about a solved problem: work resumes.
            # An automatic message (out-of-office) never reopens a ticket.
            _set_status(ticket, TicketStatus.OPEN, now)
    return message


def acknowledge(*, ticket: Ticket, actor: Person | None, at: datetime) -> bool:
    """Record the acknowledgement once; True when this call was the one that did."""
    changed = Ticket.objects.filter(pk=ticket.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=at, acknowledged_by=actor
    )
    if changed:
        ticket.acknowledged_at, ticket.acknowledged_by = at, actor
    else:
        ticket.refresh_from_db(fields=["acknowledged_at", "acknowledged_by"])
    return changed == 1


def _set_status(ticket: Ticket, status: str, now: datetime) -> None:
    """The status, and when the ticket was solved (kept while it stays solved or closed;
    cleared when it reopens) for the monthly report."""
    closed_at = None
    if status in CLOSED_STATUSES:
        closed_at = ticket.closed_at if ticket.status in CLOSED_STATUSES else now
    Ticket.objects.filter(pk=ticket.pk).update(status=status, closed_at=closed_at)
    ticket.status, ticket.closed_at = status, closed_at


def _audit(action: str, ticket: Ticket, actor: Person, **details: object) -> None:
    audit.record(
        action,
        ticket,
        actor=actor,
        provider=ticket.client.provider,
        client=ticket.client,
        details=details,
    )


def change_status(*, now: datetime, ticket: Ticket, actor: Person, status: str) -> Ticket:
    require_support_staff(actor, ticket.provider_id)
    if status not in TicketStatus.values:
        raise SupportError(_("Statut inconnu."), "invalid_status")
    with transaction.atomic():
        _set_status(ticket, status, now)
        _audit("support.ticket_status", ticket, actor, status=status)
    return ticket


def assign(*, ticket: Ticket, actor: Person, engineer: Person | None) -> Ticket:
    require_support_staff(actor, ticket.provider_id)
    if engineer is not None and not is_support_staff(engineer, ticket.provider_id):
        raise SupportError(
            _("Seul un ingénieur du prestataire peut être assigné."), "invalid_assignee"
        )
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(assignee=engineer)
        ticket.assignee = engineer
        _audit("support.ticket_assigned", ticket, actor, engineer=engineer.pk if engineer else None)
    return ticket


def mark_out_of_scope(*, ticket: Ticket, actor: Person, out_of_scope: bool = True) -> Ticket:
    """Art. 3.3: help with the client's own software is not support; it is quoted."""
    require_support_staff(actor, ticket.provider_id)
    with transaction.atomic():
        Ticket.objects.filter(pk=ticket.pk).update(out_of_scope=out_of_scope)
        ticket.out_of_scope = out_of_scope
        _audit("support.ticket_scope", ticket, actor, out_of_scope=out_of_scope, clause="Art. 3.3")
    return ticket


def clock_of(ticket: Ticket, now: datetime) -> TicketClock:
    """The ticket's acknowledgement clock as shown on the ticket, with its clause."""
    client = ticket.client
    pack = pack_of_client(client)
    return ticket_clock(
        ticket.received_at, ticket.acknowledged_at, pack, calendar_of(client, pack), now
    )


def open_channel(value: str) -> str:
    if value not in Channel.values:
        raise SupportError(_("Canal inconnu."), "invalid_channel")
    return value
