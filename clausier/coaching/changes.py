"""Postponing and cancelling a session (coaching art. 10.1; 10.3 for other products;
art. 28 for the provider's force majeure), and recording that it was held.

The 48-clock-hour rule is `terms.rules.coaching_training.session_postponement`: asked
48:00 or more before the start, the change is free and the seats return to the
allowance; later, each seat is consumed ("comptabilisée comme réalisée"). A session is
changed once: a postponed or cancelled session cannot change again, and a session that
is itself a postponement may still be cancelled but not postponed again.

A change asked by e-mail (`coaching.requests`) is applied later by the coach: `asked_at`
is then the instant the e-mail was received, and the 48-hour notice is judged at it;
`now` stays the instant the change is recorded. Asked in the app, both are the same.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import booking, ledger
from clausier.coaching.errors import AlreadyChanged, CoachingError
from clausier.coaching.models import (
    Attendance,
    Coach,
    CoachingSession,
    LedgerKind,
    SessionStatus,
)
from clausier.terms.rules.coaching_training import SessionPostponement, session_postponement


@dataclass(frozen=True, slots=True)
class Change:
    session: CoachingSession
    rule: SessionPostponement
    replacement: CoachingSession | None = None

    @property
    def in_time(self) -> bool:
        return self.rule.in_time


def may_change(actor: Person, session: CoachingSession) -> bool:
    if session.provider_id in scoping.staff_provider_ids(actor, {Role.OWNER}):
        return True
    if session.coach.person_id == actor.pk:
        return True
    if session.client_id in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        return True
    return session.participants.filter(person=actor).exists()


def _claim(session: CoachingSession, now: datetime, status: str) -> CoachingSession:
    """Move a booked session to `status` once: the conditional UPDATE decides the race."""
    changed = CoachingSession.objects.filter(pk=session.pk, status=SessionStatus.BOOKED).update(
        status=status, changed_at=now
    )
    if changed != 1:
        raise AlreadyChanged(_("Cette séance a déjà été modifiée ou annulée (art. 10.1)."))
    return CoachingSession.objects.select_related("coach").get(pk=session.pk)


def _settle_seats(session: CoachingSession, kind: str, now: datetime, clause: str) -> None:
    for seat in session.participants.all():
        ledger.record(seat, kind, now, clause)


def cancel(
    *, now: datetime, actor: Person, session: CoachingSession, asked_at: datetime | None = None
) -> Change:
    """The client cancels: free 48 clock hours ahead (of `asked_at`, by default `now`),
    else each seat is consumed (art. 10.1)."""
    if not may_change(actor, session):
        raise NotAllowed(_("Vous ne pouvez pas modifier cette séance."))
    asked = now if asked_at is None else asked_at
    rule = session_postponement(session.starts_at, asked, pack_of(session.subscription))
    with transaction.atomic():
        session = _claim(session, now, SessionStatus.CANCELLED)
        _record_change(session, rule)
        kind = LedgerKind.RETURNED if rule.in_time else LedgerKind.CONSUMED
        _settle_seats(session, kind, now, str(rule.clause))
    return Change(session, rule)


def postpone(
    *,
    now: datetime,
    actor: Person,
    session: CoachingSession,
    starts_at: datetime,
    coach: Coach | None = None,
    asked_at: datetime | None = None,
) -> Change:
    """Move a session to another slot: the old seats return (asked in time, at `asked_at`,
    by default `now`) or are consumed (late); the new session is booked from the
    allowance like any booking (art. 10.1)."""
    if not may_change(actor, session):
        raise NotAllowed(_("Vous ne pouvez pas modifier cette séance."))
    if session.replaces_id is not None:
        raise AlreadyChanged(_("Une séance reportée ne peut plus être reportée (art. 10.1)."))
    asked = now if asked_at is None else asked_at
    rule = session_postponement(session.starts_at, asked, pack_of(session.subscription))
    people = [seat.person for seat in session.participants.select_related("person")]
    with transaction.atomic():
        session = _claim(session, now, SessionStatus.POSTPONED)
        _record_change(session, rule)
        kind = LedgerKind.RETURNED if rule.in_time else LedgerKind.CONSUMED
        _settle_seats(session, kind, now, str(rule.clause))
        replacement = booking.book(
            now=now,
            actor=actor,
            subscription=session.subscription,
            coach=coach or session.coach,
            starts_at=starts_at,
            participants=people,
            replaces=session,
        )
        # The invitation keeps its UID: calendars move the event instead of adding one.
        CoachingSession.objects.filter(pk=session.pk).update(
            ical_uid=f"moved-{session.pk}-{session.ical_uid}"
        )
        CoachingSession.objects.filter(pk=replacement.pk).update(
            ical_uid=session.ical_uid, ical_sequence=session.ical_sequence + 1
        )
        replacement.refresh_from_db()
    return Change(session, rule, replacement)


def _record_change(session: CoachingSession, rule: SessionPostponement) -> None:
    CoachingSession.objects.filter(pk=session.pk).update(
        change_clause=str(rule.clause), change_in_time=rule.in_time
    )
    session.change_clause, session.change_in_time = str(rule.clause), rule.in_time


def cancel_for_force_majeure(*, now: datetime, actor: Person, session: CoachingSession) -> None:
    """The provider cancels for force majeure (art. 28): every seat returns, whatever the
    notice; the client owes nothing for it."""
    if session.provider_id not in scoping.staff_provider_ids(actor, {Role.OWNER, Role.COACH}):
        raise NotAllowed(_("Seul le prestataire annule pour force majeure."))
    pack = pack_of(session.subscription)
    clause = str(pack.clause("force_majeure.termination_after"))
    with transaction.atomic():
        session = _claim(session, now, SessionStatus.CANCELLED)
        CoachingSession.objects.filter(pk=session.pk).update(
            force_majeure=True, change_clause=clause
        )
        session.force_majeure = True
        _settle_seats(session, LedgerKind.FORCE_MAJEURE, now, clause)


def mark_held(
    *, now: datetime, session: CoachingSession, present_person_ids: set[int] | None = None
) -> CoachingSession:
    """The session took place: present seats are held, absent ones are no-shows (consumed,
    art. 10.1). `None` takes the attendance already recorded from the room's webhooks."""
    if now < session.starts_at:
        raise CoachingError(_("La séance n'a pas encore commencé."), code="not_started")
    clause = str(pack_of(session.subscription).clause("sessions.postponement_notice"))
    with transaction.atomic():
        session = _claim(session, now, SessionStatus.HELD)
        for seat in session.participants.all():
            present = (
                seat.attendance == Attendance.PRESENT
                if present_person_ids is None
                else seat.person_id in present_person_ids
            )
            seat.attendance = Attendance.PRESENT if present else Attendance.ABSENT
            seat.save(update_fields=["attendance"])
            ledger.record(seat, LedgerKind.HELD if present else LedgerKind.CONSUMED, now, clause)
    return session
