"""Support mail out, through the outbox only: a staff reply mailed to the requester (its
subject carries the ticket number, its Message-ID is kept to thread the answer), and the
unknown-sender bounce, at most one per sender and day."""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction

from clausier.accounts.models import Person, Provider
from clausier.notify.services import enqueue
from clausier.support.models import EmergencyRequest, MailBounce, Ticket, TicketMessage
from clausier.terms.zone import contract_day, contract_zone


def _language(email: str) -> str:
    person = Person.objects.filter(email__iexact=email).only("language").first()
    return person.language if person is not None else "fr"


def mail_reply(ticket: Ticket, message: TicketMessage, now: datetime) -> None:
    """A human reply: no Auto-Submitted, so the client's mailer may answer it."""
    if not ticket.requester_email:
        return
    outbox = enqueue(
        template="support_reply",
        to_email=ticket.requester_email,
        language=_language(ticket.requester_email),
        context={
            "provider": ticket.provider.legal_name,
            "reference": ticket.reference,
            "subject": ticket.subject,
            "body": message.body,
        },
        idempotency_key=f"support:reply:{message.pk}",
        now=now,
        provider=ticket.provider,
        reply_to=ticket.provider.support_email,
        auto_submitted=False,
    )
    message_id = outbox.message_id.strip("<>")
    TicketMessage.objects.filter(pk=message.pk).update(message_id=message_id)
    message.message_id = message_id


def page_on_call(request: EmergencyRequest, now: datetime) -> None:
    """The on-call engineers are paged at the provider's support address (art. 5)."""
    provider = request.client.provider
    enqueue(
        template="support_emergency",
        to_email=provider.support_email,
        language="fr",
        context={
            "provider": provider.legal_name,
            "organisation": request.client.legal_name,
            "reference": request.reference,
            "server": request.server.name,
            "contacted_at": format_instant(request.contacted_at),
            "channel": request.get_channel_display(),
            "gti_due": format_instant(request.gti_due_at),
            "clause": request.gti_clause,
            "description": request.description,
        },
        idempotency_key=f"support:emergency:{request.pk}",
        now=now,
        provider=provider,
    )


def format_instant(at: datetime) -> str:
    return at.astimezone(contract_zone()).strftime("%d/%m/%Y %H:%M")


def bounce_unknown_sender(provider: Provider, sender: str, now: datetime) -> bool:
    """One polite automatic answer per sender and day; True when one was queued."""
    day = contract_day(now)
    try:
        with transaction.atomic():
            MailBounce.objects.create(provider=provider, sender=sender, day=day)
    except IntegrityError:
        return False
    enqueue(
        template="support_unknown_sender",
        to_email=sender,
        language="fr",
        context={"provider": provider.legal_name},
        idempotency_key=f"support:bounce:{provider.pk}:{sender}:{day.isoformat()}",
        now=now,
        provider=provider,
    )
    return True
