"""iCalendar for sessions (RFC 5545/5546): invitations (METHOD:REQUEST), cancellations
(METHOD:CANCEL) and the private feed.

A booking keeps one UID for its whole life, a postponement included (the replacement
session takes the UID over), and each change raises SEQUENCE, so calendar clients move
or cancel the event they already have instead of adding a second one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from icalendar import Calendar, Event, vCalAddress, vText

from clausier.coaching.models import CoachingSession, SessionStatus

PRODID = "-//Clausier//Coaching//FR"


def _calendar(method: str | None) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def _address(email: str, name: str, role: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email}")
    address.params["cn"] = vText(name or email)
    if role:
        address.params["role"] = vText(role)
    return address


def _event(session: CoachingSession, now: datetime, cancelled: bool, url: str = "") -> Event:
    event = Event()
    event.add("uid", session.ical_uid)
    event.add("sequence", session.ical_sequence)
    event.add("dtstamp", now)
    event.add("dtstart", session.starts_at)
    event.add("dtend", session.ends_at)
    event.add("summary", f"{session.subscription.label} — {session.coach}")
    event.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    if url:
        event.add("url", url)
        event.add("location", url)
    coach = session.coach.person
    event.add("organizer", _address(coach.email, coach.full_name))
    for seat in session.participants.select_related("person"):
        event.add("attendee", _address(seat.person.email, seat.person.full_name, "REQ-PARTICIPANT"))
    return event


def invitation(session: CoachingSession, now: datetime, url: str = "") -> bytes:
    calendar = _calendar("REQUEST")
    calendar.add_component(_event(session, now, cancelled=False, url=url))
    return calendar.to_ical()


def cancellation(session: CoachingSession, now: datetime) -> bytes:
    calendar = _calendar("CANCEL")
    calendar.add_component(_event(session, now, cancelled=True))
    return calendar.to_ical()


def feed(sessions: Iterable[CoachingSession], now: datetime) -> bytes:
    calendar = _calendar(None)
    calendar.add("x-wr-calname", "Clausier")
    for session in sessions:
        cancelled = session.status in (SessionStatus.CANCELLED, SessionStatus.POSTPONED)
        calendar.add_component(_event(session, now, cancelled=cancelled))
    return calendar.to_ical()
