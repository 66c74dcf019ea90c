"""E-mail in end to end over IMAP against the loopback dovecot (scripts/servers): two
messages dropped in the support mailbox become a ticket and an ignored auto-reply, each
flagged seen, so that a second poll finds nothing; the ticket is received when dovecot
stored the message (INTERNALDATE), not when the poll ran."""

from __future__ import annotations

import imaplib
import socket
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clausier.support.models import Ticket
from clausier.support.services.imap import Mailbox, poll
from tests.probes.servers import HOST, IMAP_PORT, start_servers
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"


@pytest.fixture(scope="module")
def dovecot():
    try:
        socket.create_connection((HOST, IMAP_PORT), timeout=1).close()
    except OSError:
        start_servers("dovecot")


def test_unseen_messages_are_ingested_once(dovecot):
    w = support_world()
    mailbox = Mailbox(HOST, IMAP_PORT, f"support-{uuid.uuid4().hex[:8]}", "x")
    now = datetime(2026, 1, 6, 9, tzinfo=UTC)
    stored = now - timedelta(minutes=25)  # the poll comes 25 minutes after delivery
    with imaplib.IMAP4(HOST, IMAP_PORT) as imap:
        imap.login(mailbox.user, mailbox.password)
        for name in ("new_from_client.eml", "mailing_list.eml"):
            imap.append("INBOX", "", imaplib.Time2Internaldate(stored), (MAIL / name).read_bytes())
    assert poll(mailbox, w["provider"], now) == {"opened": 1, "ignored": 1}
    ticket = Ticket.objects.get()
    assert ticket.subject == "Le site est lent depuis ce matin"
    assert ticket.received_at == stored
    assert sum(poll(mailbox, w["provider"], now).values()) == 0


def test_the_command_polls_with_the_password_from_the_environment(dovecot, monkeypatch):
    from io import StringIO

    from django.core.management import CommandError, call_command

    w = support_world()
    user = f"support-{uuid.uuid4().hex[:8]}"
    with imaplib.IMAP4(HOST, IMAP_PORT) as imap:
        imap.login(user, "x")
        imap.append(
            "INBOX",
            "",
            imaplib.Time2Internaldate(datetime.now(UTC)),
            (MAIL / "new_from_client.eml").read_bytes(),
        )
    monkeypatch.setenv("SUPPORT_IMAP_PASSWORD", "x")
    out = StringIO()
    options = {"provider": w["provider"].slug, "host": HOST, "port": IMAP_PORT, "user": user}
    call_command("support_imap_poll", stdout=out, **options)
    assert out.getvalue().strip() == "opened=1"
    assert Ticket.objects.count() == 1
    with pytest.raises(CommandError, match="unknown provider"):
        call_command("support_imap_poll", **{**options, "provider": "nobody"})
