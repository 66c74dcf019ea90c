"""Support mail out, through the outbox only: a staff reply mailed to the requester (its
subject carries the ticket number, its Message-ID is kept to thread the answer), the
unknown-sender bounce, at most one per sender and day, and the client told of a fault
found during an intervention (art. 5, 7)."""

from __future__ import annotations

from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import Membership, Person, Provider, Role
from clausier.monitoring.services.alerts import on_call_for
from clausier.notify.preferences import NoticeKind, register_notice
from clausier.notify.services import Draft, enqueue, enqueue_many
from clausier.notify.templates import register_template
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
    """An emergency request (art. 5) pages the provider's support address and whoever is
    on call at `now` on the monitoring rota (art. 3.2; without a shift, its engineers and
    owners), each once, in their language."""
    provider = request.client.provider
    recipients = [[provider.support_email, "fr"]]
    recipients += [
        r for r in on_call_for(provider, now) if r[0].lower() != recipients[0][0].lower()
    ]
    drafts = [
        Draft(
            template="support_emergency",
            to_email=email,
            language=language,
            context=_emergency_context(request, provider),
            # The support address keeps the key it always had: a request paged before
            # the rota was read is not paged there again.
            idempotency_key=f"support:emergency:{request.pk}"
            + ("" if position == 0 else f":{email.lower()}"),
            provider=provider,
        )
        for position, (email, language) in enumerate(recipients)
    ]
    enqueue_many(drafts, now=now)


def _emergency_context(request: EmergencyRequest, provider: Provider) -> dict[str, str]:
    return {
        "provider": provider.legal_name,
        "organisation": request.client.legal_name,
        "reference": request.reference,
        "server": request.server.name,
        "contacted_at": format_instant(request.contacted_at),
        "channel": request.get_channel_display(),
        "gti_due": format_instant(request.gti_due_at),
        "clause": request.gti_clause,
        "description": request.description,
    }


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


FAULT_TEMPLATE = "support_fault"
FAULT_CONTEXT = frozenset(
    {"provider", "reference", "server", "fault", "note", "informed_at", "url"}
)


def mail_fault(request: EmergencyRequest, now: datetime) -> int:
    """Art. 5 "Panne non imputable au serveur": the provider "en informe aussitôt le
    client". Each administrator of the client, and the requester of the emergency's
    ticket, gets one automatic mail in their language: the cause found, that the GTR
    credit does not apply (art. 14 covers failures "imputable exclusivement à l'un des
    serveurs") and that the intervention is billable once the client accepts the quote
    (art. 5; art. 7). Once per request and address (the idempotency key names both), so
    a retried call queues nothing more; returns how many were queued."""
    provider = request.provider
    to: dict[str, str] = {}
    admins = (
        Membership.objects.filter(client_id=request.client_id, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person")
        .order_by("pk")
    )
    for membership in admins:
        to.setdefault(membership.person.email.lower(), membership.person.language)
    requester = request.ticket.requester_email if request.ticket is not None else ""
    if requester:
        to.setdefault(requester.lower(), _language(requester))
    context = {
        "provider": provider.legal_name,
        "reference": request.reference,
        "server": request.server.name,
        "fault": request.fault,
        "note": request.fault_note,
        "informed_at": format_instant(request.fault_informed_at or now),
        "url": str(settings.SITE_URL) + reverse("portal:support_emergency", args=[request.pk]),
    }
    drafts = [
        Draft(
            template=FAULT_TEMPLATE,
            to_email=email,
            language=language,
            context=context,
            idempotency_key=f"support:fault:{request.pk}:{email}",
            provider=provider,
            reply_to=provider.support_email,
        )
        for email, language in to.items()
    ]
    return enqueue_many(drafts, now)


def register() -> None:
    """The fault notice's template, and its kind: a notice the contract obliges (from
    SupportConfig.ready())."""
    register_template(FAULT_TEMPLATE, FAULT_CONTEXT)
    register_notice(
        NoticeKind(
            FAULT_TEMPLATE,
            _("Panne non imputable aux serveurs constatée"),
            mandatory=True,
            order=70,
            why=_("Le contrat oblige à vous en informer aussitôt (infogérance, art. 5)."),
        )
    )
