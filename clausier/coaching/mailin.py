"""E-mail in for coaching (art. 10.1: "en informant le prestataire 48 heures avant par
e-mail"; art. 10.3: "par mail à l'expert concerné"): a raw message asking to cancel or
postpone a session becomes a pending `ChangeRequest` for the coach, stamped with the
instant our system received it.

The session is found by (a) the UID of an iCalendar REPLY (a calendar's "Decline"
button: PARTSTAT=DECLINED is a cancellation; an "Accept" asks for nothing), (b)
In-Reply-To/References against the Message-IDs of the invitations and reminders the
outbox sent for it, (c) the `[#S-<id>]` tag those messages carry in their subject. The
sender must be a participant of the session or an administrator of its client. Anything
else (an automatic message, a loop, an unknown sender, no session) is logged and
dropped: nothing is answered, so no reply storm, and no session ever changes here (the
coach decides, `coaching.requests`).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import IntegrityError, transaction
from icalendar import Calendar

from clausier.accounts.models import Person, Provider, Role
from clausier.accounts.scoping import client_ids
from clausier.coaching import notices
from clausier.coaching.models import ChangeRequest, CoachingSession, RequestKind
from clausier.core import audit
from clausier.notify import imap
from clausier.notify.inbound import Received, calendars, receive
from clausier.notify.models import OutboxMessage

log = logging.getLogger(__name__)

SESSION_IN_SUBJECT = re.compile(r"\[#S-(\d{1,12})\]")
# Outbox idempotency keys of the session mails (coaching.notices): the invitation names the
# session by its iCalendar UID, the reminders and the cancellation by its id.
_INVITATION_KEY = re.compile(r"^coaching:(?P<uid>.+):\d+:request:\d+$")
_SESSION_KEY = re.compile(r"^coaching:(?P<pk>\d+):(reminder|cancel|change-request):")


@dataclass(frozen=True)
class Outcome:
    action: str  # recorded | duplicate | ignored
    request_id: int | None = None
    reason: str = ""


@dataclass(frozen=True)
class CalendarReply:
    uid: str
    partstat: str  # ACCEPTED, DECLINED, TENTATIVE... upper-cased
    attendee: str  # the replying attendee's address, lower-cased


def calendar_replies(parts: tuple[bytes, ...]) -> list[CalendarReply]:
    """The VEVENTs of iTIP METHOD:REPLY parts (RFC 5546 §3.2.3); unreadable parts are
    skipped, a person's text still counts."""
    found = []
    for raw in parts:
        try:
            calendar = Calendar.from_ical(raw)
        except ValueError:
            continue
        if str(calendar.get("method", "")).upper() != "REPLY":
            continue
        for event in calendar.walk("VEVENT"):
            attendee = event.get("attendee")
            if isinstance(attendee, list):
                attendee = attendee[0] if attendee else None
            partstat = str(attendee.params.get("PARTSTAT", "")) if attendee is not None else ""
            address = str(attendee or "").lower().removeprefix("mailto:")
            found.append(CalendarReply(str(event.get("uid", "")), partstat.upper(), address))
    return found


def _by_reply(provider: Provider, replies: list[CalendarReply]) -> CoachingSession | None:
    # A postponement hands the UID over to the replacement: the UID names the live session.
    uids = [reply.uid for reply in replies if reply.uid]
    return CoachingSession.objects.filter(provider=provider, ical_uid__in=uids).first()


def _by_references(provider: Provider, references: tuple[str, ...]) -> CoachingSession | None:
    if not references:
        return None
    wanted = [f"<{reference}>" for reference in references]
    keys = OutboxMessage.objects.filter(
        provider=provider, message_id__in=wanted, idempotency_key__startswith="coaching:"
    ).values_list("idempotency_key", flat=True)
    for key in keys:
        invitation = _INVITATION_KEY.match(key)
        if invitation is not None:
            found = CoachingSession.objects.filter(
                provider=provider, ical_uid=invitation.group("uid")
            ).first()
            if found is not None:
                return found
        by_id = _SESSION_KEY.match(key)
        if by_id is not None:
            found = CoachingSession.objects.filter(
                provider=provider, pk=int(by_id.group("pk"))
            ).first()
            if found is not None:
                return found
    return None


def _by_subject(provider: Provider, subject: str) -> CoachingSession | None:
    match = SESSION_IN_SUBJECT.search(subject)
    if match is None:
        return None
    return CoachingSession.objects.filter(provider=provider, pk=int(match.group(1))).first()


def find_session(
    provider: Provider, received: Received, replies: list[CalendarReply]
) -> CoachingSession | None:
    return (
        _by_reply(provider, replies)
        or _by_references(provider, received.references)
        or _by_subject(provider, received.subject)
    )


def sender_of(session: CoachingSession, address: str) -> Person | None:
    """The session's participant or its client's administrator writing from `address`."""
    if not address:
        return None
    seat = session.participants.filter(person__email__iexact=address, person__is_active=True)
    participant = seat.select_related("person").first()
    if participant is not None and session.client_id in client_ids(participant.person):
        return participant.person
    for person in Person.objects.filter(email__iexact=address, is_active=True):
        if session.client_id in client_ids(person, {Role.CLIENT_ADMIN.value}):
            return person
    return None


def _kind(session: CoachingSession, replies: list[CalendarReply]) -> str:
    declined = any(r.uid == session.ical_uid and r.partstat == "DECLINED" for r in replies)
    return RequestKind.CANCEL if declined else RequestKind.UNSPECIFIED


def ingest(raw: bytes, provider: Provider, now: datetime) -> Outcome:
    """Record one message to the provider's coaching address, received at `now`."""
    received = receive(raw, settings.EMAIL_MESSAGE_ID_DOMAIN)
    if received.automatic is not None:
        # An auto-reply to an invitation is never a request, and is never answered.
        log.info("coaching mail-in: automatic message (%s) ignored", received.automatic)
        return Outcome("ignored", reason=received.automatic)
    replies = calendar_replies(calendars(received.message))
    session = find_session(provider, received, replies)
    if session is None:
        log.info("coaching mail-in: no session found for %s", received.message_id or "?")
        return Outcome("ignored", reason="no-session")
    answers = {r.partstat for r in replies if r.uid == session.ical_uid}
    if answers and "DECLINED" not in answers:
        # A calendar accepting (or tentatively accepting) the invitation asks for nothing.
        return Outcome("ignored", reason="calendar-reply")
    sender = sender_of(session, received.sender)
    if sender is None:
        log.info("coaching mail-in: sender may not change session %s", session.pk)
        return Outcome("ignored", reason="unknown-sender")
    if (
        received.message_id
        and ChangeRequest.objects.filter(
            session__provider=provider, message_id=received.message_id
        ).exists()
    ):
        return Outcome("duplicate")
    try:
        with transaction.atomic():
            request = ChangeRequest.objects.create(
                session=session,
                sender=sender,
                received_at=now,
                kind=_kind(session, replies),
                subject=received.subject[:250],
                text=received.body[:4000],
                message_id=received.message_id[:250],
            )
    except IntegrityError:
        return Outcome("duplicate")
    audit.record(
        "coaching.change_requested",
        request,
        actor=sender,
        provider=session.provider,
        client=session.client,
        details={"session": session.pk, "kind": request.kind, "received_at": now.isoformat()},
    )
    notices.send_change_request_notices(request, now)
    return Outcome("recorded", request.pk)


def poll(
    mailbox: imap.Mailbox, provider: Provider, now: datetime, limit: int = 500
) -> Counter[str]:
    """The coaching mailbox over IMAP: each unseen message is ingested as received when
    our mail server stored it (INTERNALDATE, at most `now`), not when the poll ran."""
    return imap.poll(
        mailbox, lambda raw, stored_at: ingest(raw, provider, stored_at).action, now, limit
    )
