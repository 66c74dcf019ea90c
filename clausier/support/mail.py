"""Incoming support mail as pure functions: parsing, loop detection, quote stripping and
the keys a message is threaded by. No database, no network: tested over .eml fixtures.

Loop prevention follows RFC 3834 and the headers mailers actually send: a message that is
automatic (an auto-reply, a bounce, a list, our own mail come back) is stored on its
ticket but never answered, never counted as a human response, and never reopens a ticket.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

TICKET_IN_SUBJECT = re.compile(r"\[#T-(\d{1,12})\]")
_MESSAGE_ID = re.compile(r"<([^<>\s]+)>")
_BULK = {"bulk", "list", "junk"}
_NULL_SENDERS = {"", "<>", "mailer-daemon", "postmaster"}
# Autoresponders that ignore RFC 3834 still mark themselves somewhere: a vendor header,
# or a subject prefix in the client's language (checked at the subject's start only, so
# that "Absence de sauvegarde ?" written by a person is not taken for one).
_AUTOREPLY_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Reply", "X-Autoresponder")
_AUTOREPLY_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response|antwort)\b|autoreply\b|auto\s*:|"
    r"out of (the )?office\b|ooo\s*:|réponse automatique\b|absent(e)? du bureau\b|"
    r"absence du bureau\b|abwesenheitsnotiz\b|automatische antwort\b|abwesend\s*:)",
    re.IGNORECASE,
)
# Where a reply's quoted part starts, in the languages our clients write.
_QUOTE_HEADERS = (
    re.compile(r"^On .{1,200} wrote:\s*$"),
    re.compile(r"^Le .{1,200} a écrit\s?:\s*$"),
    re.compile(r"^Am .{1,200} schrieb .{0,200}:\s*$"),
    re.compile(r"^-{2,}\s*(Original Message|Message d'origine|Ursprüngliche Nachricht)\s*-{2,}"),
    re.compile(r"^_{10,}\s*$"),  # Outlook's separator before its From:/Sent: block
    re.compile(r"^(From|De|Von)\s?: .+$"),
)
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


def message_ids(value: str | None) -> list[str]:
    return _MESSAGE_ID.findall(value or "")


def _domain(message_id: str) -> str:
    return message_id.rpartition("@")[2].lower()


def automatic_reason(message: EmailMessage, own_domain: str) -> str | None:
    """The header that makes `message` automatic, or None (RFC 3834 and common usage)."""
    auto = str(message.get("Auto-Submitted", "")).strip().lower()
    if auto and auto.split(";")[0].strip() != "no":
        return "auto-submitted"
    if str(message.get("Precedence", "")).strip().lower() in _BULK:
        return "precedence"
    if message.get("X-Loop") is not None:
        return "x-loop"
    if any(name.lower().startswith("list-") for name in message):
        return "list"
    if message.get("X-Auto-Response-Suppress") is not None:
        return "x-auto-response-suppress"
    own = own_domain.lower()
    if own and any(_domain(i) == own for i in message_ids(message.get("Message-ID"))):
        return "own-message-id"
    return_path = str(message.get("Return-Path", "")).strip()
    if message.get("Return-Path") is not None and return_path in {"<>", ""}:
        return "null-sender"
    sender = parseaddr(str(message.get("From", "")))[1].lower()
    if sender.partition("@")[0] in _NULL_SENDERS:
        return "null-sender"
    if any(message.get(name) is not None for name in _AUTOREPLY_HEADERS):
        return "autoreply-header"
    if _AUTOREPLY_SUBJECT.match(str(message.get("Subject", ""))):
        return "autoreply-subject"
    return None


def strip_quoted(text: str) -> str:
    """The new part of a reply: up to the first quote header, quoted line or signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        stripped = line.strip()
        if stripped.startswith(">") or line.rstrip() == "--" or line == "-- ":
            break
        if any(pattern.match(stripped) for pattern in _QUOTE_HEADERS):
            break
        kept.append(line)
    return "\n".join(kept).strip()


def ticket_number(subject: str) -> int | None:
    match = TICKET_IN_SUBJECT.search(subject)
    return int(match.group(1)) if match else None


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)
    return str(content)


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
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    subject = str(message.get("Subject", "")).strip()
    senders = getaddresses([str(message.get("From", ""))])
    sender = senders[0][1].lower() if senders else ""
    ids = message_ids(message.get("Message-ID"))
    references = [*message_ids(message.get("In-Reply-To"))]
    references += [
        r for r in reversed(message_ids(message.get("References"))) if r not in references
    ]
    return Inbound(
        message_id=ids[0] if ids else "",
        sender=sender,
        subject=subject,
        body=strip_quoted(_text_of(message)),
        references=tuple(references),
        automatic=automatic_reason(message, own_domain),
        ticket_number=ticket_number(subject),
        attachments=_attachments(message),
    )
