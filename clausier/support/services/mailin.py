"""E-mail in: a raw message to a provider's support address becomes a ticket or a
message on one. Threading: the ticket number in the subject, then In-Reply-To and
References against the Message-IDs of our own messages. An automatic message is stored
on its ticket, never answered, never a human response, and never reopens a ticket; an
unknown sender gets one polite bounce per day at most.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Q

from clausier.accounts.models import ClientOrganisation, Person, Provider
from clausier.core.errors import DomainError
from clausier.support.mail import Inbound, parse
from clausier.support.models import Channel, Ticket, TicketMessage
from clausier.support.services import attachments, tickets
from clausier.support.services.outbound import bounce_unknown_sender

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Outcome:
    action: str  # opened | threaded | duplicate | bounced | ignored
    ticket_id: int | None = None
    automatic: str | None = None


def _client_of(provider: Provider, sender: str) -> tuple[ClientOrganisation | None, Person | None]:
    person = Person.objects.filter(
        email__iexact=sender,
        memberships__client__provider=provider,
        memberships__revoked_at__isnull=True,
    ).first()
    if person is not None:
        membership = person.memberships.filter(
            client__provider=provider, revoked_at__isnull=True
        ).select_related("client__provider")
        first = membership.first()
        return (first.client if first else None), person
    domain = sender.rpartition("@")[2]
    # email_domains is a JSON list: matched here, as SQLite has no JSON `contains`.
    client = next(
        (
            c
            for c in ClientOrganisation.objects.filter(provider=provider).select_related("provider")
            if domain and domain in (c.email_domains or [])
        ),
        None,
    )
    return client, None


def _thread(provider: Provider, inbound: Inbound) -> Ticket | None:
    if inbound.ticket_number is not None:
        ticket = Ticket.objects.filter(provider=provider, pk=inbound.ticket_number).first()
        if ticket is not None:
            return ticket
    if inbound.references:
        known = (
            TicketMessage.objects.filter(
                ticket__provider=provider, message_id__in=list(inbound.references)
            )
            .select_related("ticket")
            .first()
        )
        if known is not None:
            return known.ticket
    return None


def _may_write(ticket: Ticket, sender: str, client: ClientOrganisation | None) -> bool:
    """The requester, or anyone of the ticket's client organisation."""
    return sender == ticket.requester_email.lower() or (
        client is not None and client.pk == ticket.client_id
    )


def _repeats_itself(ticket: Ticket, sender: str, body: str) -> bool:
    """The same sender already mailed this very text on this ticket (an autoresponder)."""
    return TicketMessage.objects.filter(
        ticket=ticket,
        channel=Channel.EMAIL,
        from_staff=False,
        author_email__iexact=sender,
        body=body,
        created_at__gte=ticket.received_at,
    ).exists()


def ingest(raw: bytes, provider: Provider, now: datetime) -> Outcome:
    inbound = parse(raw, settings.EMAIL_MESSAGE_ID_DOMAIN)
    if (
        inbound.message_id
        and TicketMessage.objects.filter(
            Q(ticket__provider=provider), message_id=inbound.message_id
        ).exists()
    ):
        return Outcome("duplicate", automatic=inbound.automatic)
    client, person = _client_of(provider, inbound.sender)
    ticket = _thread(provider, inbound)
    automatic = inbound.automatic
    body = inbound.body or "(message vide)"
    if automatic is None and ticket is not None and _repeats_itself(ticket, inbound.sender, body):
        # An autoresponder without any marker answers each staff reply with the same
        # text: the second time it is known for what it is, and reopens nothing.
        automatic = "repeated-text"
    human = automatic is None
    if ticket is not None and _may_write(ticket, inbound.sender, client):
        message = tickets.post_message(
            now=now,
            ticket=ticket,
            body=body,
            channel=Channel.EMAIL,
            actor=person if person is not None and client is not None else None,
            author_email=inbound.sender,
            human=human,
            message_id=inbound.message_id,
        )
        _attach(message, inbound, now)
        return Outcome("threaded", ticket.pk, automatic)
    if not human:
        # Never answered; without a ticket to hang it on, it is only logged.
        log.info("support mail-in: automatic message (%s) not threaded", automatic)
        return Outcome("ignored", automatic=automatic)
    if client is None:
        bounced = bounce_unknown_sender(provider, inbound.sender, now)
        return Outcome("bounced" if bounced else "ignored")
    opened = tickets.open_ticket(
        now=now,
        client=client,
        subject=inbound.subject or "(sans objet)",
        body=body,
        channel=Channel.EMAIL,
        requester_email=inbound.sender,
        message_id=inbound.message_id,
    )
    _attach(opened.messages.get(), inbound, now)
    return Outcome("opened", opened.pk)


def _attach(message: TicketMessage, inbound: Inbound, now: datetime) -> None:
    for filename, content in inbound.attachments:
        try:
            attachments.attach(now=now, message=message, filename=filename, content=content)
        except DomainError as exc:
            # A refused file never loses the message: the thread says what was dropped.
            log.info("support mail-in: attachment %r refused: %s", filename, exc.code)
