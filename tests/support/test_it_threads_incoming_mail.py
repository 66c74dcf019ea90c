"""E-mail in: a message becomes a ticket, a reply threads, automatic mail is stored but
never answered nor counted, unknown senders get one bounce a day, and a loop between
two instances stops."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from clausier.notify.models import OutboxMessage
from clausier.notify.smtp import build
from clausier.support.models import Attachment, Channel, Ticket, TicketMessage, TicketStatus
from clausier.support.services import tickets
from clausier.support.services.mailin import ingest
from tests.helpers import make_provider
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
MAIL = Path(__file__).parent / "mail"
NOW = datetime(2026, 1, 6, 9, 2, tzinfo=UTC)


def eml(name: str) -> bytes:
    return (MAIL / name).read_bytes()


@pytest.fixture
def w():
    return support_world()


def opened_and_answered(w):
    outcome = ingest(eml("new_from_client.eml"), w["provider"], NOW)
    assert outcome.action == "opened"
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    assert ticket.channel == Channel.EMAIL and ticket.requester_email == "nina@boulangerie.example"
    reply = tickets.post_message(
        now=NOW + timedelta(minutes=38),
        ticket=ticket,
        body="Nous avons redémarré PHP-FPM.",
        channel=Channel.PORTAL,
        actor=w["engineer"],
    )
    return ticket, reply


def test_a_reply_threads_by_our_message_id_and_by_the_subject(w):
    ticket, reply = opened_and_answered(w)
    mailed = OutboxMessage.objects.get(template="support_reply")
    assert f"[#{ticket.reference}]" in mailed.subject and not mailed.auto_submitted
    assert reply.message_id and mailed.message_id == f"<{reply.message_id}>"
    raw = eml("reply_with_quote_fr.eml").replace(
        b"OURREPLYID@clausier.localhost", reply.message_id.encode()
    )
    raw = raw.replace(b"[#T-1]", f"[#{ticket.reference}]".encode())
    assert ingest(raw, w["provider"], NOW + timedelta(hours=1)).ticket_id == ticket.pk
    german = eml("reply_without_number_de.eml").replace(
        b"OURREPLYID@clausier.localhost", reply.message_id.encode()
    )
    assert ingest(german, w["provider"], NOW + timedelta(hours=1)).ticket_id == ticket.pk
    bodies = list(ticket.messages.values_list("body", flat=True))
    assert bodies[-2:] == ["C'est de nouveau rapide, merci !", "Danke, alles funktioniert wieder."]
    assert ingest(german, w["provider"], NOW).action == "duplicate"


def test_an_out_of_office_is_stored_never_answered_never_an_acknowledgement(w):
    outcome = ingest(eml("new_from_client.eml"), w["provider"], NOW)
    ticket = Ticket.objects.get(pk=outcome.ticket_id)
    tickets.change_status(
        now=datetime(2026, 1, 6, 12, tzinfo=UTC),
        ticket=ticket,
        actor=w["engineer"],
        status=TicketStatus.WAITING_CLIENT,
    )
    before = OutboxMessage.objects.count()
    raw = eml("out_of_office.eml").replace(b"[#T-1]", f"[#{ticket.reference}]".encode())
    result = ingest(raw, w["provider"], NOW + timedelta(minutes=5))
    assert result.action == "threaded" and result.automatic == "auto-submitted"
    ticket.refresh_from_db()
    assert ticket.status == TicketStatus.WAITING_CLIENT and ticket.acknowledged_at is None
    assert not TicketMessage.objects.get(message_id="ooo-1@mail.boulangerie.example").human
    assert OutboxMessage.objects.count() == before


def test_unknown_senders_get_one_bounce_a_day(w):
    assert ingest(eml("unknown_sender.eml"), w["provider"], NOW).action == "bounced"
    again = eml("unknown_sender.eml").replace(b"unknown-1@", b"unknown-2@")
    assert ingest(again, w["provider"], NOW + timedelta(hours=2)).action == "ignored"
    assert OutboxMessage.objects.filter(template="support_unknown_sender").count() == 1
    third = eml("unknown_sender.eml").replace(b"unknown-1@", b"unknown-3@")
    assert ingest(third, w["provider"], NOW + timedelta(days=1)).action == "bounced"
    assert not Ticket.objects.exists()


def test_a_loop_between_two_instances_stops_at_the_first_automatic_message(w):
    other = make_provider("Autre")
    # Our bounce to an unknown sender, as it leaves through SMTP...
    ingest(eml("unknown_sender.eml"), w["provider"], NOW)
    bounce = build(OutboxMessage.objects.get(template="support_unknown_sender"))
    raw = bounce.message().as_bytes()
    assert b"Auto-Submitted: auto-generated" in raw and b"X-Loop:" in raw
    # ...reaches another instance's support address, where we are an unknown sender.
    outcome = ingest(raw, other, NOW + timedelta(minutes=1))
    assert outcome.action == "ignored" and outcome.automatic is not None
    assert OutboxMessage.objects.filter(template="support_unknown_sender").count() == 1
    # And their automatic answer, coming back to us, is never answered either.
    back = ingest(eml("other_instance_autoreply.eml"), w["provider"], NOW + timedelta(minutes=2))
    assert back.action == "ignored"
    assert OutboxMessage.objects.filter(template="support_unknown_sender").count() == 1


def test_a_refused_attachment_never_loses_the_message(w):
    outcome = ingest(eml("with_attachments.eml"), w["provider"], NOW)
    assert outcome.action == "opened"
    assert list(Attachment.objects.values_list("filename", flat=True)) == ["error.log"]
    assert Ticket.objects.get().messages.get().body == "Voici les journaux et un programme."


AUTORESPONDER = """From: Nina Martin <nina@boulangerie.example>
To: support@kalanda.example
Subject: {subject}
Message-ID: <{mid}@mail.boulangerie.example>
In-Reply-To: <{ours}>
Date: Tue, 6 Jan 2026 11:00:00 +0100
Content-Type: text/plain; charset=utf-8

Je suis absente jusqu'au 12 janvier. Pour toute urgence : 05 56 00 00 00.
"""


def autoreply(ticket, reply, n, subject=None):
    subject = subject or f"Re: [#{ticket.reference}] Le site est lent"
    return AUTORESPONDER.format(subject=subject, mid=f"ar-{n}", ours=reply.message_id).encode()


def test_an_autoresponder_without_headers_neither_loops_nor_reopens_again_and_again(w):
    """X-Loop and Auto-Submitted are only on our automatic mails: a staff reply is human
    mail, and a client's autoresponder that ignores RFC 3834 answers it. Marked by its
    subject it is automatic at once; unmarked, its second identical answer is."""
    ticket, _reply = opened_and_answered(w)
    sent = OutboxMessage.objects.count()

    def close_with_a_reply(at):
        message = tickets.post_message(
            now=at,
            ticket=ticket,
            body="Nous clôturons.",
            channel=Channel.PORTAL,
            actor=w["engineer"],
        )
        tickets.change_status(now=at, ticket=ticket, actor=w["engineer"], status="resolved")
        return message

    # Unmarked: the first answer looks human and reopens the ticket once...
    first = close_with_a_reply(NOW + timedelta(hours=1))
    result = ingest(autoreply(ticket, first, 1), w["provider"], NOW + timedelta(hours=1))
    assert result.automatic is None
    ticket.refresh_from_db()
    assert ticket.status == "open"
    # ...and every later identical answer is known for an autoresponder: stored, inert.
    for n in range(2, 5):
        again = close_with_a_reply(NOW + timedelta(hours=n))
        result = ingest(autoreply(ticket, again, n), w["provider"], NOW + timedelta(hours=n))
        assert result.automatic == "repeated-text"
        ticket.refresh_from_db()
        assert ticket.status == "resolved" and ticket.messages.filter(human=False).count() == n - 1
    # Marked by its subject (another text): automatic at once.
    last = close_with_a_reply(NOW + timedelta(hours=5))
    marked = autoreply(ticket, last, 5, f"Réponse automatique : Re: [#{ticket.reference}] x")
    marked = marked.replace(b"absente jusqu'au 12", b"en formation jusqu'au 20")
    outcome = ingest(marked, w["provider"], NOW + timedelta(hours=5, minutes=1))
    assert outcome.action == "threaded" and outcome.automatic == "autoreply-subject"
    ticket.refresh_from_db()
    assert ticket.status == "resolved"
    # No mail ever left because of an incoming one: only the staff's own replies did.
    later = OutboxMessage.objects.order_by("pk").values_list("template", flat=True)[sent:]
    assert list(later) == ["support_reply"] * 5


@pytest.mark.parametrize(
    ("subject", "header", "automatic"),
    [
        ("Automatic reply: Re: [#T-1] x", None, "autoreply-subject"),
        ("Abwesenheitsnotiz: Re: [#T-1] x", None, "autoreply-subject"),
        ("Out of Office: Re: [#T-1] x", None, "autoreply-subject"),
        ("Re: [#T-1] x", "X-Autoreply: yes", "autoreply-header"),
        ("Absence de sauvegarde depuis hier ?", None, None),  # a person asking
        ("Re: [#T-1] réponse automatique ?", None, None),  # not at the start
    ],
)
def test_autoresponder_markers(subject, header, automatic):
    from clausier.support.mail import parse

    raw = f"From: a@b.example\nSubject: {subject}\n" + (f"{header}\n" if header else "")
    raw += "Message-ID: <m@b.example>\n\nBonjour\n"
    assert parse(raw.encode(), "clausier.localhost").automatic == automatic
