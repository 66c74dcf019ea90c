"""Booking from the allowance, and the 48-clock-hour rule live (art. 10.1, 28)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.coaching import booking, changes, ledger
from clausier.coaching.errors import AllowanceExhausted, AlreadyChanged, CoachingError, SlotTaken
from clausier.coaching.models import (
    Attendance,
    AvailabilityException,
    LedgerKind,
    SessionStatus,
)
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
# Monday 29 March 2027, 09:00 in Paris: the day after clocks went forward (07:00 UTC).
AFTER_DST = datetime(2027, 3, 29, 7, tzinfo=UTC)
TUESDAY_10 = datetime(2027, 3, 16, 9, tzinfo=UTC)  # 10:00 CET


def remaining(w, at=NOW):
    return ledger.allowance(w.subscription, at, NOW).remaining


def test_a_collaborator_books_a_free_slot_and_the_allowance_moves():
    w = coaching_world(ORDERED, PAID)
    member = w.members[0]
    session = booking.book(
        now=NOW, actor=member, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    assert session.ends_at == TUESDAY_10 + timedelta(hours=1)
    assert [p.person for p in session.participants.all()] == [member]
    assert remaining(w) == 11
    assert ledger.allowance(w.subscription, NOW, NOW).booked == 1


def test_a_slot_the_coach_does_not_offer_is_refused():
    w = coaching_world(ORDERED, PAID)
    lunch = datetime(2027, 3, 16, 11, 30, tzinfo=UTC)  # 12:30 Paris
    with pytest.raises(SlotTaken):
        booking.book(
            now=NOW, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=lunch
        )


def test_a_public_holiday_is_not_offered():
    w = coaching_world(ORDERED, PAID)
    easter_monday = datetime(2027, 3, 29, 8, tzinfo=UTC)  # Lundi de Pâques 2027, 10:00
    with pytest.raises(SlotTaken):
        booking.book(
            now=NOW,
            actor=w.members[0],
            subscription=w.subscription,
            coach=w.coach,
            starts_at=easter_monday,
        )


def test_a_coach_and_a_participant_are_never_booked_twice():
    w = coaching_world(ORDERED, PAID)
    first, second = w.members
    booking.book(
        now=NOW, actor=first, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    with pytest.raises(SlotTaken):
        booking.book(
            now=NOW, actor=second, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
        )
    other = booking.Coach.objects.create(provider=w.provider, person=w.owner)
    with pytest.raises(SlotTaken):  # no free slot for `other`, and `first` is busy anyway
        booking.book(
            now=NOW, actor=first, subscription=w.subscription, coach=other, starts_at=TUESDAY_10
        )
    assert remaining(w) == 11


def test_a_member_books_only_for_themselves_and_must_be_enrolled():
    w = coaching_world(ORDERED, PAID)
    first, second = w.members
    with pytest.raises(NotAllowed):
        booking.book(
            now=NOW,
            actor=first,
            subscription=w.subscription,
            coach=w.coach,
            starts_at=TUESDAY_10,
            participants=[second],
        )
    booking.Enrolment.objects.filter(person=second).delete()
    with pytest.raises(NotAllowed):
        booking.book(
            now=NOW, actor=second, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
        )


def test_the_last_session_of_the_period_can_be_booked_once():
    w = coaching_world(ORDERED, PAID, allowance=1)
    booking.book(
        now=NOW,
        actor=w.members[0],
        subscription=w.subscription,
        coach=w.coach,
        starts_at=TUESDAY_10,
    )
    with pytest.raises(AllowanceExhausted):
        booking.book(
            now=NOW,
            actor=w.members[1],
            subscription=w.subscription,
            coach=w.coach,
            starts_at=TUESDAY_10 + timedelta(hours=1),
        )


def test_a_contract_not_started_books_nothing():
    w = coaching_world(ORDERED)
    with pytest.raises(CoachingError):
        booking.book(
            now=NOW,
            actor=w.members[0],
            subscription=w.subscription,
            coach=w.coach,
            starts_at=TUESDAY_10,
        )


def _booked(w, starts_at=AFTER_DST):
    return booking.book(
        now=NOW,
        actor=w.members[0],
        subscription=w.subscription,
        coach=w.coach,
        starts_at=starts_at + timedelta(days=1),  # Tuesday 30 March (Easter Monday is closed)
    )


def _extra_opening(w, starts_at):
    AvailabilityException.objects.create(
        coach=w.coach, starts_at=starts_at, ends_at=starts_at + timedelta(hours=1), available=True
    )
    return booking.book(
        now=NOW, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=starts_at
    )


@pytest.mark.parametrize(
    ("asked_at", "in_time"),
    [
        # Easter Monday 29 March 2027, 09:00 CEST = 07:00 UTC, opened by an exception.
        # Clocks went forward on Sunday: 48 clock hours before is Saturday 07:00 UTC,
        # 08:00 by Saturday's clock (a wall-clock reading would wait until 09:00).
        (datetime(2027, 3, 27, 7, 0, tzinfo=UTC), True),
        (datetime(2027, 3, 27, 7, 1, tzinfo=UTC), False),
        (datetime(2027, 3, 27, 7, 30, tzinfo=UTC), False),  # 08:30 CET: late already
    ],
)
def test_a_cancellation_48_clock_hours_ahead_across_dst_is_free_later_consumed(asked_at, in_time):
    w = coaching_world(ORDERED, PAID)
    session = _extra_opening(w, AFTER_DST)
    change = changes.cancel(now=asked_at, actor=w.members[0], session=session)
    assert change.in_time is in_time
    assert change.rule.clause.article == "10.1"
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert allowance.remaining == (12 if in_time else 11)
    assert allowance.consumed == (0 if in_time else 1)
    with pytest.raises(AlreadyChanged):
        changes.cancel(now=asked_at, actor=w.members[0], session=session)


def test_48_clock_hours_across_the_autumn_change():
    # All Saints' Monday 1 November 2027, 10:00 CET = 09:00 UTC (an extra opening);
    # clocks went back on Sunday: 48 clock hours before is Saturday 09:00 UTC = 11:00
    # CEST, so Saturday 10:30 CEST (wall-clock late) is still in time.
    w = coaching_world(ORDERED, PAID)
    session = _extra_opening(w, datetime(2027, 11, 1, 9, tzinfo=UTC))
    asked = datetime(2027, 10, 30, 8, 30, tzinfo=UTC)
    assert changes.cancel(now=asked, actor=w.members[0], session=session).in_time is True


def test_a_postponement_in_time_moves_the_session_and_keeps_its_invitation_uid():
    w = coaching_world(ORDERED, PAID)
    session = _booked(w)
    uid = session.ical_uid
    later = datetime(2027, 4, 1, 12, tzinfo=UTC)  # Thursday 14:00 CEST
    change = changes.postpone(now=NOW, actor=w.members[0], session=session, starts_at=later)
    assert change.in_time
    replacement = change.replacement
    assert replacement.starts_at == later
    assert (replacement.ical_uid, replacement.ical_sequence) == (uid, 1)
    assert change.session.status == SessionStatus.POSTPONED
    assert remaining(w) == 11  # one returned, one booked
    with pytest.raises(AlreadyChanged):  # one change per session
        changes.postpone(
            now=NOW, actor=w.members[0], session=replacement, starts_at=later + timedelta(days=1)
        )


def test_a_late_postponement_consumes_the_first_session_and_books_another():
    w = coaching_world(ORDERED, PAID)
    session = _booked(w)
    late = datetime(2027, 3, 29, 12, tzinfo=UTC)
    change = changes.postpone(
        now=late,
        actor=w.members[0],
        session=session,
        starts_at=datetime(2027, 4, 1, 12, tzinfo=UTC),
    )
    assert not change.in_time
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert (allowance.consumed, allowance.remaining) == (1, 10)


def test_force_majeure_returns_the_session_even_at_the_last_minute():
    w = coaching_world(ORDERED, PAID)
    session = _booked(w)
    changes.cancel_for_force_majeure(
        now=datetime(2027, 3, 30, 6, 59, tzinfo=UTC), actor=w.coach.person, session=session
    )
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert (allowance.remaining, allowance.returned) == (12, 1)
    assert (
        ledger.LedgerEntry.objects.filter(kind=LedgerKind.FORCE_MAJEURE)
        .get()
        .clause.startswith("Art. 28")
    )


def test_a_member_cannot_cancel_for_force_majeure():
    w = coaching_world(ORDERED, PAID)
    session = _booked(w)
    with pytest.raises(NotAllowed):
        changes.cancel_for_force_majeure(now=NOW, actor=w.members[0], session=session)


def test_a_held_session_counts_present_seats_as_held_and_absent_ones_as_no_shows():
    w = coaching_world(ORDERED, PAID, group=3)
    first, second = w.members
    session = booking.book(
        now=NOW,
        actor=w.admin,
        subscription=w.subscription,
        coach=w.coach,
        starts_at=TUESDAY_10,
        participants=[first, second],
    )
    assert session.capacity == 3
    held = changes.mark_held(
        now=TUESDAY_10 + timedelta(hours=1), session=session, present_person_ids={first.pk}
    )
    seats = {s.person_id: s.attendance for s in held.participants.all()}
    assert seats == {first.pk: Attendance.PRESENT, second.pk: Attendance.ABSENT}
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert (allowance.held, allowance.consumed, allowance.remaining) == (1, 1, 10)


def test_a_group_session_takes_more_participants_up_to_its_capacity():
    w = coaching_world(ORDERED, PAID, group=2, members=3)
    a, b, c = w.members
    first = booking.book(
        now=NOW, actor=a, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    same = booking.book(
        now=NOW, actor=b, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
    )
    assert same.pk == first.pk
    with pytest.raises(SlotTaken):
        booking.book(
            now=NOW, actor=c, subscription=w.subscription, coach=w.coach, starts_at=TUESDAY_10
        )
