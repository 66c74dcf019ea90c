"""Incoming mail as pure functions, shared by every app that reads a mailbox (the support
desk, coaching change requests): the RFC 3834 loop detection, the Message-IDs a reply
refers to, the new text of a reply, its iCalendar parts. No database, no network.

A message is "automatic" when it says so (Auto-Submitted, Precedence, X-Loop, a list
header, a null sender), when it is our own mail come back (a Message-ID of our domain),
or when a vendor header or subject prefix gives an autoresponder away: such a message is
never answered and never counts as a person's request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from email.utils import getaddresses, parseaddr

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
MAX_CALENDARS = 5


@dataclass(frozen=True)
class Received:
    """What every reader of a mailbox needs from one raw message."""

    message: EmailMessage
    message_id: str  # without angle brackets; "" when the message has none
    sender: str  # the From address, lower-cased
    subject: str
    body: str  # the new text, quoted reply and signature removed
    references: tuple[str, ...]  # In-Reply-To then References, newest first, no brackets
    automatic: str | None  # why it is automatic (a header), or None for a human message


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


def text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    content = part.get_content()
    if part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)
    return str(content)


def calendars(message: EmailMessage) -> tuple[bytes, ...]:
    """The text/calendar parts (an iTIP reply sent by a calendar client), inline or
    attached, at most a few."""
    found = []
    for part in message.walk():
        if part.get_content_type() != "text/calendar":
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            found.append(payload)
        if len(found) >= MAX_CALENDARS:
            break
    return tuple(found)


def receive(raw: bytes, own_domain: str) -> Received:
    message = message_from_bytes(raw, policy=default_policy)
    assert isinstance(message, EmailMessage)
    senders = getaddresses([str(message.get("From", ""))])
    ids = message_ids(message.get("Message-ID"))
    references = [*message_ids(message.get("In-Reply-To"))]
    references += [
        r for r in reversed(message_ids(message.get("References"))) if r not in references
    ]
    return Received(
        message=message,
        message_id=ids[0] if ids else "",
        sender=senders[0][1].lower() if senders else "",
        subject=str(message.get("Subject", "")).strip(),
        body=strip_quoted(text_of(message)),
        references=tuple(references),
        automatic=automatic_reason(message, own_domain),
    )
