"""Incoming support mail as pure functions: parsing, loop detection, quote stripping and
the keys a message is threaded by. No database, no network: tested over .eml fixtures.

Loop prevention follows RFC 3834 and the headers mailers actually send (the helpers are
`clausier.notify.inbound`, shared with coaching's change requests): a message that is
automatic (an auto-reply, a bounce, a list, our own mail come back) is stored on its
ticket but never answered, never counted as a human response, and never reopens a ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage

from clausier.notify.inbound import automatic_reason, message_ids, receive, strip_quoted

__all__ = ["Inbound", "automatic_reason", "message_ids", "parse", "strip_quoted", "ticket_number"]

TICKET_IN_SUBJECT = re.compile(r"\[#T-(\d{1,12})\]")
MAX_ATTACHMENTS = 10


@dataclass(frozen=True)
class Inbound:
    message_id: str  # without angle brackets; "" when the message has none
    sender: str  # the From address, lower-cased
    subject: str
    body: str  # the new text, quoted reply and signature removed
    references: tuple[str, ...]  # In-Reply-To then References, newest first, no brackets
    automatic: str | None  # why it is automatic (a header), or None for a human message
    ticket_number: int | None
    attachments: tuple[tuple[str, bytes], ...] = field(default=())


def ticket_number(subject: str) -> int | None:
    match = TICKET_IN_SUBJECT.search(subject)
    return int(match.group(1)) if match else None


def _attachments(message: EmailMessage) -> tuple[tuple[str, bytes], ...]:
    found = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            found.append((part.get_filename() or "piece-jointe", payload))
        if len(found) >= MAX_ATTACHMENTS:
            break
    return tuple(found)


def parse(raw: bytes, own_domain: str) -> Inbound:
    received = receive(raw, own_domain)
    return Inbound(
        message_id=received.message_id,
        sender=received.sender,
        subject=received.subject,
        body=received.body,
        references=received.references,
        automatic=received.automatic,
        ticket_number=ticket_number(received.subject),
        attachments=_attachments(received.message),
    )
