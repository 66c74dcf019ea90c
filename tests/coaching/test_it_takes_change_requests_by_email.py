"""A change asked by e-mail (art. 10.1 "par e-mail", 10.3 "par mail à l'expert concerné"):
recorded when it arrives, applied later by the coach with the 48-hour notice judged at
the arrival, never from an automatic message or a stranger."""

from __future__ import annotations

import imaplib
import io
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Role
from clausier.coaching import ledger, mailin, requests, services
from clausier.coaching.errors import AlreadyChanged, CoachingError
from clausier.coaching.models import (
    ChangeRequest,
    CoachingSession,
    LedgerEntry,
    LedgerKind,
    RequestKind,
    RequestStatus,
    SessionStatus,
)
from clausier.coaching.notices import send_reminders
from clausier.core.models import AuditEntry
from clausier.notify.imap import Mailbox, stored_at
from clausier.notify.models import OutboxMessage
from tests.coaching.builders import coaching_world, make_coach
from tests.helpers import make_client_user
from tests.probes.servers import HOST, IMAP_PORT, start_servers

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
STARTS = datetime(2027, 3, 19, 9, tzinfo=UTC)  # Friday 10:00 in Paris
FREE_UNTIL = STARTS - timedelta(hours=48)


def eml(sender: str, *, subject: str = "Re: séance", headers: str = "", body: str = "") -> bytes:
    text = body or "Bonjour, je ne pourrai pas venir, pouvons-nous annuler ?"
    return (
        f"From: {sender}\r\nTo: coaching@kestio.example\r\nSubject: {subject}\r\n"
        f"Message-ID: <{abs(hash((sender, subject, headers)))}@mail.example>\r\n{headers}"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
    ).encode()


def itip_reply(sender: str, uid: str, partstat: str) -> bytes:
    calendar = (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Test//EN\r\nMETHOD:REPLY\r\n"
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20270315T090000Z\r\n"
        f"ATTENDEE;PARTSTAT={partstat}:mailto:{sender}\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    return (
        f"From: {sender}\r\nSubject: Refusé : séance\r\nMessage-ID: <itip-{uid}@mail.example>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b\r\n\r\n"
        "--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nRefusé\r\n"
        f"--b\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n{calendar}"
        "--b--\r\n"
    ).encode()


def booked(w):
    return services.book_session(
        now=NOW, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=STARTS
    )


def reply_to_invitation(w, session) -> str:
    invitation = OutboxMessage.objects.get(
        template="session_invitation", to_email=w.members[0].email
    )
    return f"In-Reply-To: {invitation.message_id}\r\n"


def remaining(w) -> int:
    return ledger.allowance(w.subscription, NOW, NOW).remaining


@pytest.mark.parametrize(
    ("received_at", "in_time", "left"),
    [(FREE_UNTIL, True, 12), (FREE_UNTIL + timedelta(minutes=1), False, 11)],
)
def test_the_notice_is_judged_when_the_mail_arrived_not_when_the_coach_applies_it(
    received_at, in_time, left
):
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    outcome = mailin.ingest(
        eml(w.members[0].email, headers=reply_to_invitation(w, session)), w.provider, received_at
    )
    assert outcome.action == "recorded"
    request = ChangeRequest.objects.get(pk=outcome.request_id)
    assert request.received_at == received_at and request.session == session
    assert request.kind == RequestKind.UNSPECIFIED
    applied_at = STARTS - timedelta(hours=2)  # the coach reads the mail much later
    change = requests.apply_request(
        now=applied_at, actor=w.coach.person, request=request, action=requests.CANCEL
    )
    assert change.in_time is in_time
    assert "10.1" in str(change.rule.clause)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.changed_at == applied_at
    kind = LedgerKind.RETURNED if in_time else LedgerKind.CONSUMED
    assert LedgerEntry.objects.filter(kind=kind, at=applied_at).count() == 1
    assert remaining(w) == left
    request.refresh_from_db()
    assert request.status == RequestStatus.APPLIED and request.decided_by == w.coach.person
    assert OutboxMessage.objects.filter(
        template="session_cancelled", to_email=w.members[0].email
    ).exists()
    assert AuditEntry.objects.filter(action="coaching.change_request_applied").count() == 1


def test_the_invitation_replies_to_the_coaching_address_and_tags_the_subject(settings):
    settings.COACHING_MAIL_IN_ADDRESS = "coaching+{provider}@kestio.example"
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    invitation = OutboxMessage.objects.get(
        template="session_invitation", to_email=w.members[0].email
    )
    assert invitation.reply_to == f"coaching+{w.provider.slug}@kestio.example"
    assert f"[#S-{session.pk}]" in invitation.subject
    assert "48 heures se compte à la réception" in invitation.body


def test_a_declined_calendar_reply_is_a_cancellation_request_and_an_accept_is_nothing():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    outcome = mailin.ingest(
        itip_reply(w.members[0].email, session.ical_uid, "DECLINED"), w.provider, NOW
    )
    request = ChangeRequest.objects.get(pk=outcome.request_id)
    assert request.kind == RequestKind.CANCEL and request.session == session
    accepted = itip_reply(w.members[1].email, session.ical_uid, "ACCEPTED")
    assert mailin.ingest(accepted, w.provider, NOW).reason == "calendar-reply"
    assert ChangeRequest.objects.count() == 1


def test_the_subject_tag_finds_the_session_when_the_headers_are_lost():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    outcome = mailin.ingest(
        eml(w.admin.email, subject=f"Report [#S-{session.pk}]"), w.provider, NOW
    )
    assert outcome.action == "recorded"
    assert ChangeRequest.objects.get().sender == w.admin  # the client's administrator


def test_an_auto_reply_is_never_a_request():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    queued = OutboxMessage.objects.count()
    headers = reply_to_invitation(w, session) + "Auto-Submitted: auto-replied\r\n"
    outcome = mailin.ingest(eml(w.members[0].email, headers=headers), w.provider, NOW)
    assert (outcome.action, outcome.reason) == ("ignored", "auto-submitted")
    looped = reply_to_invitation(w, session) + "X-Loop: kestio\r\n"
    assert mailin.ingest(eml(w.members[0].email, headers=looped), w.provider, NOW).action == (
        "ignored"
    )
    assert not ChangeRequest.objects.exists()
    # Nothing answered: no reply storm with the autoresponder.
    assert OutboxMessage.objects.count() == queued


def test_an_unknown_sender_changes_nothing():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    stranger = eml("someone@elsewhere.example", headers=reply_to_invitation(w, session))
    assert mailin.ingest(stranger, w.provider, NOW).reason == "unknown-sender"
    # A member of the same client who is not in the session is a stranger to it too.
    colleague = w.members[1].email
    tagged = eml(colleague, subject=f"[#S-{session.pk}]")
    assert mailin.ingest(tagged, w.provider, NOW).reason == "unknown-sender"
    nothing = eml(w.members[0].email, subject="Bonjour")
    assert mailin.ingest(nothing, w.provider, NOW).reason == "no-session"
    assert not ChangeRequest.objects.exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED


def test_the_same_message_delivered_twice_is_recorded_once():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    raw = eml(w.members[0].email, headers=reply_to_invitation(w, session))
    assert mailin.ingest(raw, w.provider, NOW).action == "recorded"
    assert mailin.ingest(raw, w.provider, NOW).action == "duplicate"
    assert ChangeRequest.objects.count() == 1


def test_a_request_after_the_session_changed_is_refused_with_the_clause():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    first = mailin.ingest(
        eml(w.members[0].email, headers=reply_to_invitation(w, session)), w.provider, NOW
    )
    second = mailin.ingest(
        eml(w.members[0].email, subject=f"Encore [#S-{session.pk}]"), w.provider, NOW
    )
    requests.apply_request(
        now=NOW,
        actor=w.coach.person,
        request=ChangeRequest.objects.get(pk=first.request_id),
        action=requests.POSTPONE,
        starts_at=STARTS + timedelta(days=4),  # Tuesday 10:00
    )
    replacement = CoachingSession.objects.get(replaces=session)
    assert (
        OutboxMessage.objects.filter(
            template="session_invitation", to_email=w.members[0].email
        ).count()
        == 2
    )
    with pytest.raises(AlreadyChanged, match=r"art\. 10\.1"):
        requests.apply_request(
            now=NOW,
            actor=w.coach.person,
            request=ChangeRequest.objects.get(pk=second.request_id),
            action=requests.CANCEL,
        )
    assert ChangeRequest.objects.get(pk=second.request_id).status == RequestStatus.PENDING
    replacement.refresh_from_db()
    assert replacement.status == SessionStatus.BOOKED


def test_the_coach_dismisses_with_a_reason_and_strangers_decide_nothing():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    outcome = mailin.ingest(
        eml(w.members[0].email, headers=reply_to_invitation(w, session)), w.provider, NOW
    )
    request = ChangeRequest.objects.get(pk=outcome.request_id)
    other_coach = make_coach(w.provider)
    for outsider in (
        other_coach.person,
        w.members[0],
        make_client_user(w.client, Role.CLIENT_ADMIN),
    ):
        with pytest.raises(NotAllowed):
            requests.dismiss_request(now=NOW, actor=outsider, request=request, reason="non")
    with pytest.raises(CoachingError):
        requests.dismiss_request(now=NOW, actor=w.coach.person, request=request, reason="  ")
    requests.dismiss_request(
        now=NOW, actor=w.owner, request=request, reason="Message de remerciement, pas une demande"
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.DISMISSED and request.decided_by == w.owner
    assert AuditEntry.objects.filter(action="coaching.change_request_dismissed").exists()
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED


def test_the_pipe_command_records_a_request(monkeypatch):
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    raw = eml(w.members[0].email, subject=f"Annulation [#S-{session.pk}]")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    call_command("coaching_mail_in", "--provider", w.provider.slug, stdout=out)
    request = ChangeRequest.objects.get()
    assert out.getvalue().strip() == f"recorded {request.pk}"


def test_the_coach_applies_a_request_through_the_api_with_the_notice_at_reception(client):
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    raw = eml(w.members[0].email, headers=reply_to_invitation(w, session))
    request_id = mailin.ingest(raw, w.provider, FREE_UNTIL).request_id
    with time_machine.travel(STARTS - timedelta(hours=3), tick=False):
        client.force_login(w.members[0])
        mine = client.get("/api/coaching/change-requests").json()["items"]
        assert [row["id"] for row in mine] == [request_id]
        refused = client.post(
            f"/api/coaching/change-requests/{request_id}/apply",
            {"action": "cancel"},
            content_type="application/json",
        )
        assert refused.status_code == 403
        client.force_login(w.coach.person)
        answer = client.post(
            f"/api/coaching/change-requests/{request_id}/apply",
            {"action": "cancel"},
            content_type="application/json",
        )
    assert answer.status_code == 200, answer.content
    assert answer.json()["in_time"] is True
    assert answer.json()["session"]["status"] == SessionStatus.CANCELLED
    assert ChangeRequest.objects.get().status == RequestStatus.APPLIED


def test_a_reply_to_the_reminder_finds_its_session():
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    send_reminders(STARTS - timedelta(hours=20))
    reminder = OutboxMessage.objects.get(template="session_reminder", to_email=w.members[0].email)
    assert f"[#S-{session.pk}]" in reminder.subject
    headers = f"In-Reply-To: {reminder.message_id}\r\n"
    outcome = mailin.ingest(
        eml(w.members[0].email, subject="Re: rappel", headers=headers), w.provider, NOW
    )
    assert ChangeRequest.objects.get(pk=outcome.request_id).session == session


@pytest.fixture(scope="module")
def dovecot():
    try:
        socket.create_connection((HOST, IMAP_PORT), timeout=1).close()
    except OSError:
        start_servers("dovecot")


def test_a_polled_request_is_dated_when_our_mail_server_stored_it(dovecot):
    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    mailbox = Mailbox(HOST, IMAP_PORT, f"coaching-{uuid.uuid4().hex[:8]}", "x")
    with imaplib.IMAP4(HOST, IMAP_PORT) as imap:
        imap.login(mailbox.user, mailbox.password)
        raw = eml(w.members[0].email, headers=reply_to_invitation(w, session))
        imap.append("INBOX", "", imaplib.Time2Internaldate(0), raw)
        looped = eml(w.members[0].email, headers="Auto-Submitted: auto-replied\r\n")
        imap.append("INBOX", "", imaplib.Time2Internaldate(0), looped)
        imap.select("INBOX")
        _status, answer = imap.fetch("1", "(INTERNALDATE)")
    stored = datetime.fromtimestamp(time.mktime(imaplib.Internaldate2tuple(answer[0])), tz=UTC)
    polled_at = FREE_UNTIL + timedelta(days=30)  # the poll ran much later
    assert mailin.poll(mailbox, w.provider, polled_at) == {"recorded": 1, "ignored": 1}
    assert ChangeRequest.objects.get().received_at == stored < polled_at
    assert sum(mailin.poll(mailbox, w.provider, polled_at).values()) == 0


def test_the_stored_instant_is_read_from_the_fetch_answer_and_never_after_now():
    line = b'1 (UID 7 INTERNALDATE "17-Mar-2027 10:00:00 +0100" BODY[] {12}'
    assert stored_at(line, NOW + timedelta(days=9)) == FREE_UNTIL
    assert stored_at(line, NOW) == NOW  # a server clock ahead of ours is capped
    assert stored_at(b"1 (UID 7 BODY[] {12}", NOW) == NOW


def test_the_coach_is_told_and_the_sender_gets_the_reception_time_once(smtp_server):
    from email.header import decode_header, make_header

    from clausier.notify.services import deliver_due

    w = coaching_world(ORDERED, PAID)
    session = booked(w)
    w.members[0].language = "de"
    w.members[0].save()
    raw = eml(w.members[0].email, headers=reply_to_invitation(w, session))
    outcome = mailin.ingest(raw, w.provider, FREE_UNTIL)
    assert mailin.ingest(raw, w.provider, FREE_UNTIL).action == "duplicate"
    to_coach = OutboxMessage.objects.get(template="change_request_to_coach")
    assert to_coach.to_email == w.coach.person.email
    assert w.members[0].email in to_coach.body and "Art. 10.1" in to_coach.body
    assert "/seances/demandes/" in to_coach.body and f"[#S-{session.pk}]" in to_coach.subject
    received = OutboxMessage.objects.get(template="change_request_received")
    assert received.to_email == w.members[0].email
    assert "Frist" in received.body and "2027-03-17 10:00" in received.body  # Paris time
    # A reply to the acknowledgement finds the same session.
    deliver_due(FREE_UNTIL)
    again = mailin.ingest(
        eml(
            w.members[0].email,
            subject="Re: Eingang",
            headers=f"In-Reply-To: {received.message_id}\r\n",
        ),
        w.provider,
        FREE_UNTIL + timedelta(minutes=5),
    )
    assert ChangeRequest.objects.get(pk=again.request_id).session == session
    assert outcome.request_id != again.request_id
    subjects = [str(make_header(decode_header(m["Subject"]))) for m in smtp_server.messages]
    assert any("Ihre Anfrage zur Sitzung" in subject for subject in subjects), subjects
    assert any("demande de changement" in subject for subject in subjects), subjects
