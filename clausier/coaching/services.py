"""The coaching entry points the API, the portal, the jobs and the simulator call: each
performs one workflow (booking, changes, rooms, deliverables) and queues its e-mails
in the same transaction (the outbox)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db import transaction

from clausier.accounts.models import Person
from clausier.billing.models import Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import booking, changes, notices
from clausier.coaching.changes import Change
from clausier.coaching.models import Coach, CoachingSession, SessionStatus


def _notice_clause(subscription: Subscription) -> str:
    return str(pack_of(subscription).clause("sessions.postponement_notice"))


def book_session(
    *,
    now: datetime,
    actor: Person,
    subscription: Subscription,
    coach: Coach,
    starts_at: datetime,
    participants: Sequence[Person] | None = None,
) -> CoachingSession:
    with transaction.atomic():
        session = booking.book(
            now=now,
            actor=actor,
            subscription=subscription,
            coach=coach,
            starts_at=starts_at,
            participants=participants,
        )
        notices.send_invitation(session, now, _notice_clause(subscription))
    return session


def cancel_session(
    *, now: datetime, actor: Person, session: CoachingSession, asked_at: datetime | None = None
) -> Change:
    with transaction.atomic():
        change = changes.cancel(now=now, actor=actor, session=session, asked_at=asked_at)
        notices.send_cancellation(change.session, now, str(change.rule.clause), change.in_time)
    return change


def postpone_session(
    *,
    now: datetime,
    actor: Person,
    session: CoachingSession,
    starts_at: datetime,
    coach: Coach | None = None,
    asked_at: datetime | None = None,
) -> Change:
    with transaction.atomic():
        change = changes.postpone(
            now=now,
            actor=actor,
            session=session,
            starts_at=starts_at,
            coach=coach,
            asked_at=asked_at,
        )
        assert change.replacement is not None
        # Same UID, next SEQUENCE: the calendars move the event they have.
        notices.send_invitation(change.replacement, now, str(change.rule.clause))
    return change


def cancel_for_force_majeure(*, now: datetime, actor: Person, session: CoachingSession) -> None:
    with transaction.atomic():
        changes.cancel_for_force_majeure(now=now, actor=actor, session=session)
        session.refresh_from_db()
        notices.send_cancellation(session, now, session.change_clause, None)


def close_finished_sessions(now: datetime) -> int:
    """The job: a booked session whose room has closed was held; seats without attendance
    in the room are no-shows (art. 10.1)."""
    closed = 0
    for session in CoachingSession.objects.filter(
        status=SessionStatus.BOOKED, ends_at__lte=now - notices.ROOM_CLOSES_AFTER
    ).select_related("subscription"):
        changes.mark_held(now=now, session=session)
        closed += 1
    return closed
