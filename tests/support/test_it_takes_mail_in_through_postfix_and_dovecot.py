"""E-mail in end to end through a real MTA (art. 5: a ticket opened by e-mail starts its
clock): a message handed to the "mailin" postfix (scripts/servers) is delivered over LMTP
to the "mailin" dovecot, the IMAP poller makes it a ticket; the staff reply leaves
through the outbox and the same postfix, and the client's answer to it threads back; an
auto-reply is stored but ignored; and a bounce sent by one desk to another desk's
address is never answered, so the loop stops at the first automatic message."""

from __future__ import annotations

import imaplib
import smtplib
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path
from typing import Any

import pytest

from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import deliver_due
from clausier.support.models import Channel, Ticket, TicketMessage, TicketStatus
from clausier.support.services import tickets
from clausier.support.services.imap import Mailbox, poll
from tests.helpers import make_provider
from tests.probes.servers import HOST, MAILIN_IMAP_PORT, MAILIN_SMTP_PORT, start_servers
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"
NOW = datetime(2026, 1, 6, 9, 2, tzinfo=UTC)  # Tuesday 10:02 in Paris, office hours


@pytest.fixture(scope="module")
def mailin() -> None:
    try:
        for port in (MAILIN_SMTP_PORT, MAILIN_IMAP_PORT):
            socket.create_connection((HOST, port), timeout=1).close()
    except OSError:
        start_servers("mailin")


@pytest.fixture
def through_postfix(settings: Any) -> None:
    """The outbox sends through the mailin postfix, as a provider's MTA would."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = HOST
    settings.EMAIL_PORT = MAILIN_SMTP_PORT
    settings.EMAIL_TIMEOUT = 10


def tag() -> str:
    return uuid.uuid4().hex[:10]


def send(raw: bytes, sender: str, recipient: str) -> None:
    with smtplib.SMTP(HOST, MAILIN_SMTP_PORT, timeout=10) as smtp:
        smtp.sendmail(sender, [recipient], raw)


def wait_unseen(user: str, count: int, timeout: float = 30) -> None:
    """Until postfix has delivered `count` unseen messages to the mailbox over LMTP."""
    deadline = time.monotonic() + timeout
    found = 0
    while time.monotonic() < deadline:
        with imaplib.IMAP4(HOST, MAILIN_IMAP_PORT) as imap:
            imap.login(user, "x")
            imap.select("INBOX")
            _status, data = imap.search(None, "UNSEEN")
            found = len((data[0] or b"").split())
        if found >= count:
            return
        time.sleep(0.2)
    raise AssertionError(f"{user}: {found} unseen message(s) after {timeout} s, {count} expected")


def fetch_by_message_id(user: str, message_id: str, timeout: float = 30) -> bytes:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with imaplib.IMAP4(HOST, MAILIN_IMAP_PORT) as imap:
            imap.login(user, "x")
            imap.select("INBOX")
            _status, data = imap.search(None, "HEADER", "Message-ID", message_id)
            numbers = (data[0] or b"").split()
            if numbers:
                _status, parts = imap.fetch(numbers[0], "(BODY.PEEK[])")
                return next(p[1] for p in parts if isinstance(p, tuple))
        time.sleep(0.2)
    raise AssertionError(f"{message_id} never reached {user}")


def desk(provider: Any, name: str) -> Mailbox:
    """A fresh support address per test run: the mailboxes outlive the test database."""
    address = f"support-{tag()}@{name}.example"
    provider.support_email = address
    provider.save(update_fields=["support_email"])
    return Mailbox(HOST, MAILIN_IMAP_PORT, address, "x")


def from_client(name: str, client_address: str, desk_address: str) -> bytes:
    raw = (MAIL / name).read_bytes()
    raw = raw.replace(b"nina@boulangerie.example", client_address.encode())
    raw = raw.replace(b"support@kalanda.example", desk_address.encode())
    # The Message-IDs too: our de-duplication must not take a rerun for a repeat.
    unique = f".{tag()}@mail.boulangerie.example>".encode()
    return raw.replace(b"@mail.boulangerie.example>", unique)


def test_a_mail_becomes_a_ticket_its_reply_threads_and_an_auto_reply_is_ignored(
    mailin, through_postfix
):
    w = support_world()
    deliver_due(NOW)  # the world's own mail (invoice, welcome) out of the way
    mailbox = desk(w["provider"], "kalanda")
    nina = f"nina-{tag()}@boulangerie.example"
    send(from_client("new_from_client.eml", nina, mailbox.user), nina, mailbox.user)
    wait_unseen(mailbox.user, 1)
    assert poll(mailbox, w["provider"], NOW) == {"opened": 1}
    ticket = Ticket.objects.get()
    assert ticket.channel == Channel.EMAIL and ticket.requester_email == nina
    assert ticket.subject == "Le site est lent depuis ce matin"
    assert ticket.ack_due_at == NOW + timedelta(hours=1)  # art. 5: one office hour

    # The engineer's answer goes out through the outbox and the same postfix...
    tickets.post_message(
        now=NOW + timedelta(minutes=20),
        ticket=ticket,
        body="Nous avons redémarré PHP-FPM.",
        channel=Channel.PORTAL,
        actor=w["engineer"],
    )
    assert deliver_due(NOW + timedelta(minutes=20)) == {"sent": 1, "retrying": 0, "failed": 0}
    outgoing = OutboxMessage.objects.get(template="support_reply")
    assert outgoing.status == OutboxStatus.SENT
    received = message_from_bytes(fetch_by_message_id(nina, outgoing.message_id))
    assert received["Reply-To"] == mailbox.user and received["Auto-Submitted"] is None
    # ...and Nina's answer to it, without the ticket number, threads by In-Reply-To.
    answer = (
        f"From: {nina}\r\nTo: {received['Reply-To']}\r\nSubject: Re: lenteur\r\n"
        f"Message-ID: <answer-{tag()}@mail.boulangerie.example>\r\n"
        f"In-Reply-To: {received['Message-ID']}\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nC'est de nouveau rapide, merci !\r\n"
    ).encode()
    send(answer, nina, mailbox.user)
    wait_unseen(mailbox.user, 1)
    tickets.change_status(
        now=NOW + timedelta(minutes=30),
        ticket=ticket,
        actor=w["engineer"],
        status=TicketStatus.WAITING_CLIENT,
    )
    assert poll(mailbox, w["provider"], NOW + timedelta(minutes=40)) == {"threaded": 1}
    assert ticket.messages.last().body == "C'est de nouveau rapide, merci !"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.OPEN  # a human answer reopens the waiting ticket

    # Her out-of-office on the ticket: stored, automatic, answered by nobody.
    tickets.change_status(
        now=NOW + timedelta(minutes=45),
        ticket=ticket,
        actor=w["engineer"],
        status=TicketStatus.WAITING_CLIENT,
    )
    ooo = from_client("out_of_office.eml", nina, mailbox.user)
    send(ooo.replace(b"[#T-1]", f"[#{ticket.reference}]".encode()), nina, mailbox.user)
    wait_unseen(mailbox.user, 1)
    outbox_before = OutboxMessage.objects.count()
    assert poll(mailbox, w["provider"], NOW + timedelta(hours=1)) == {"threaded": 1}
    stored = TicketMessage.objects.filter(ticket=ticket).last()
    assert stored is not None and not stored.human and "absente" in stored.body
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_CLIENT
    assert OutboxMessage.objects.count() == outbox_before
    assert sum(poll(mailbox, w["provider"], NOW + timedelta(hours=1)).values()) == 0


def test_a_loop_between_two_desks_stops_at_the_first_automatic_message(mailin, through_postfix):
    w = support_world()
    deliver_due(NOW)  # the world's own mail (invoice, welcome) out of the way
    ours = desk(w["provider"], "kalanda")
    other = make_provider("Autre")
    theirs = desk(other, "autre")
    # A human mail from the other desk's address, unknown to us: we bounce it once...
    raw = (MAIL / "unknown_sender.eml").read_bytes()
    raw = raw.replace(b"paul@inconnu.example", theirs.user.encode())
    raw = raw.replace(b"support@kalanda.example", ours.user.encode())
    raw = raw.replace(b"unknown-1@inconnu.example", f"unknown-{tag()}@autre.example".encode())
    send(raw, theirs.user, ours.user)
    wait_unseen(ours.user, 1)
    assert poll(ours, w["provider"], NOW) == {"bounced": 1}
    assert deliver_due(NOW)["sent"] == 1
    # ...the bounce reaches the other desk through postfix and dovecot, where it is
    # automatic (Auto-Submitted, X-Loop): ignored, never answered...
    wait_unseen(theirs.user, 1)
    assert poll(theirs, other, NOW + timedelta(minutes=1)) == {"ignored": 1}
    assert OutboxMessage.objects.filter(provider=other).count() == 0
    assert deliver_due(NOW + timedelta(minutes=1))["sent"] == 0
    # ...so nothing ever comes back to us.
    time.sleep(1)
    assert sum(poll(ours, w["provider"], NOW + timedelta(minutes=2)).values()) == 0
    assert OutboxMessage.objects.filter(template="support_unknown_sender").count() == 1
    assert not Ticket.objects.exists()
