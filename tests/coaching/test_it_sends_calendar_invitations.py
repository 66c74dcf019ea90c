"""Invitations and cancellations carry an iCalendar file (METHOD:REQUEST / CANCEL) with
one stable UID per booking and a rising SEQUENCE; delivered over real SMTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from clausier.coaching import feeds, services
from clausier.coaching.models import CalendarFeed
from clausier.coaching.notices import send_reminders
from clausier.notify.models import OutboxAttachment, OutboxMessage
from clausier.notify.services import deliver_due
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
TUESDAY_10 = datetime(2027, 3, 16, 9, tzinfo=UTC)


def _event(message: OutboxMessage) -> tuple[str, object]:
    [attachment] = OutboxAttachment.objects.filter(message=message)
    calendar = Calendar.from_ical(bytes(attachment.content))
    [event] = calendar.walk("VEVENT")
    return str(calendar["METHOD"]), event


def test_a_booking_invites_the_participant_and_the_coach_with_a_request(smtp_server):
    w = coaching_world(ORDERED, PAID)
    member = w.members[0]
    session = services.book_session(
        now=NOW, actor=member, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    messages = OutboxMessage.objects.filter(template="session_invitation")
    assert sorted(m.to_email for m in messages) == sorted([member.email, w.coach.person.email])
    to_member = messages.get(to_email=member.email)
    method, event = _event(to_member)
    assert method == "REQUEST"
    assert str(event["UID"]) == session.ical_uid
    assert int(event["SEQUENCE"]) == 0
    assert event.decoded("DTSTART") == TUESDAY_10
    assert "Art. 10.1" in to_member.body
    assert "10:00 (Europe/Paris)" in to_member.subject
    deliver_due(NOW)
    received = {m["To"]: m for m in smtp_server.messages}
    parts = [p for p in received[member.email].walk() if p.get_content_type() == "text/calendar"]
    assert parts and parts[0].get_param("method") == "REQUEST"
    assert b"BEGIN:VCALENDAR" in parts[0].get_payload(decode=True)


def test_a_postponement_keeps_the_uid_and_raises_the_sequence_and_a_cancel_says_cancel():
    w = coaching_world(ORDERED, PAID)
    member = w.members[0]
    session = services.book_session(
        now=NOW, actor=member, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    uid = session.ical_uid
    change = services.postpone_session(
        now=NOW, actor=member, session=session, starts_at=TUESDAY_10 + timedelta(days=1)
    )
    moved = OutboxMessage.objects.filter(template="session_invitation", to_email=member.email)
    assert moved.count() == 2
    method, event = _event(moved.order_by("-id").first())
    assert (method, str(event["UID"]), int(event["SEQUENCE"])) == ("REQUEST", uid, 1)
    services.cancel_session(now=NOW, actor=member, session=change.replacement)
    cancelled = OutboxMessage.objects.get(template="session_cancelled", to_email=member.email)
    method, event = _event(cancelled)
    assert (method, str(event["UID"]), str(event["STATUS"])) == ("CANCEL", uid, "CANCELLED")
    assert "rendue" in cancelled.body  # in time: the session returns


def test_reminders_go_24_hours_and_1_hour_before_once_each():
    w = coaching_world(ORDERED, PAID, members=1)
    services.book_session(
        now=NOW,
        actor=w.members[0],
        subscription=w.subscription,
        coach=w.coach,
        starts_at=TUESDAY_10,
    )
    assert send_reminders(TUESDAY_10 - timedelta(hours=25)) == 0
    assert send_reminders(TUESDAY_10 - timedelta(hours=24)) == 2  # member and coach
    assert send_reminders(TUESDAY_10 - timedelta(hours=23)) == 0
    assert send_reminders(TUESDAY_10 - timedelta(minutes=60)) == 2
    assert send_reminders(TUESDAY_10 - timedelta(minutes=30)) == 0
    assert OutboxMessage.objects.filter(template="session_reminder").count() == 4


def test_the_private_feed_lists_the_persons_sessions_and_keeps_only_a_hash(client):
    w = coaching_world(ORDERED, PAID)
    session = services.book_session(
        now=NOW,
        actor=w.members[0],
        subscription=w.subscription,
        coach=w.coach,
        starts_at=TUESDAY_10,
    )
    token = feeds.issue(w.members[0])
    assert token not in CalendarFeed.objects.get().token_hash
    response = client.get(f"/coaching/ical/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    [event] = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["UID"]) == session.ical_uid
    assert client.get("/coaching/ical/not-a-token.ics").status_code == 404
    feeds.issue(w.members[0])  # a new link revokes the old one
    assert client.get(f"/coaching/ical/{token}.ics").status_code == 404


def test_the_coach_is_told_of_each_change_in_the_coach_s_language_with_the_calendar_file():
    w = coaching_world(ORDERED, PAID)
    coach = w.coach.person
    coach.language = "de"
    coach.save(update_fields=["language"])
    member = w.members[0]
    session = services.book_session(
        now=NOW, actor=member, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    change = services.postpone_session(
        now=NOW, actor=member, session=session, starts_at=TUESDAY_10 + timedelta(days=1)
    )
    services.cancel_session(now=NOW, actor=member, session=change.replacement)
    to_coach = OutboxMessage.objects.filter(to_email=coach.email).order_by("pk")
    assert [m.template for m in to_coach] == [
        "session_invitation",
        "session_invitation",
        "session_cancelled",
    ]
    assert {m.language for m in to_coach} == {"de"}
    assert [_event(m)[0] for m in to_coach] == ["REQUEST", "REQUEST", "CANCEL"]
    assert "gutgeschrieben" in to_coach.last().body  # the German outcome, in time
    # The coach reads the time in the coach's own zone.
    assert "(Europe/Paris)" in to_coach.first().subject
