"""Art. 7.2.4: a participant reports a problem with a session within 24 clock hours after
its end (23:59 and 24:00 in time, 24:01 refused with the clause; across the autumn DST
change the 24 hours are real hours); staff uphold it (the seats are credited back, once)
or reject it; every step audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.coaching import ledger, problems, services
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ProblemStatus
from clausier.core.models import AuditEntry
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2026, 9, 20, 9, tzinfo=UTC)
PAID = datetime(2026, 10, 1, 9, tzinfo=UTC)
BOOKED_AT = datetime(2026, 10, 5, 9, tzinfo=UTC)
# Friday 23 October 2026, 10:00 Paris (CEST, 08:00 UTC), a slot the coach offers.
STARTS = datetime(2026, 10, 23, 8, tzinfo=UTC)


@pytest.fixture
def w():
    world = coaching_world(ORDERED, PAID)
    world.session = services.book_session(
        now=BOOKED_AT,
        actor=world.members[0],
        subscription=world.subscription,
        coach=world.coach,
        starts_at=STARTS,
    )
    return world


def report(w, at, who=None):
    return problems.report_problem(
        now=at,
        actor=who or w.members[0],
        session=w.session,
        kind="coach_absent",
        description="Le coach n'est pas venu.",
    )


@pytest.mark.parametrize(
    ("after_end", "accepted"),
    [
        (timedelta(hours=23, minutes=59), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, minutes=1), False),
    ],
)
def test_24_clock_hours_after_the_end(w, after_end, accepted):
    at = w.session.ends_at + after_end
    if accepted:
        assert report(w, at).deadline == w.session.ends_at + timedelta(hours=24)
        return
    with pytest.raises(CoachingError) as refused:
        report(w, at)
    assert refused.value.code == "report_too_late" and "7.2.4" in str(refused.value.message)


def test_across_the_dst_change_the_24_hours_are_real_hours(w):
    # Moved to Saturday 24 October 10:00-11:00 CEST (the clocks go back that night): 24
    # hours after its end it is Sunday 10:00 CET, not 11:00.
    type(w.session).objects.filter(pk=w.session.pk).update(
        starts_at=STARTS + timedelta(days=1), ends_at=STARTS + timedelta(days=1, hours=1)
    )
    w.session.refresh_from_db()
    deadline, _clause = problems.report_deadline(w.session)
    assert deadline == datetime(2026, 10, 25, 9, tzinfo=UTC)
    with pytest.raises(CoachingError):
        report(w, datetime(2026, 10, 25, 9, 1, tzinfo=UTC))  # 10:01 Paris (CET)
    report(w, datetime(2026, 10, 25, 9, tzinfo=UTC))


def test_not_before_the_session_and_not_twice(w):
    with pytest.raises(CoachingError) as early:
        report(w, STARTS - timedelta(minutes=1))
    assert early.value.code == "not_started"
    report(w, STARTS + timedelta(minutes=10))
    with pytest.raises(CoachingError) as twice:
        report(w, STARTS + timedelta(minutes=20))
    assert twice.value.code == "already_reported"


def test_outsiders_and_unknown_kinds_are_refused(w):
    with pytest.raises(NotAllowed):
        report(w, STARTS + timedelta(hours=2), who=w.members[1])  # not a participant
    with pytest.raises(CoachingError) as bad:
        problems.report_problem(
            now=STARTS + timedelta(hours=2),
            actor=w.members[0],
            session=w.session,
            kind="meteo",
            description="",
        )
    assert bad.value.code == "bad_problem_kind"


def test_upheld_the_seat_is_credited_back_once_and_audited(w):
    now = w.session.ends_at + timedelta(hours=1)
    before = ledger.allowance(w.subscription, now, now).remaining
    services.close_finished_sessions(w.session.ends_at + timedelta(hours=1))
    filed = report(w, now)
    with pytest.raises(NotAllowed):
        problems.resolve_problem(
            now=now, actor=w.coach.person, report=filed, upheld=True, resolution="x"
        )
    done = problems.resolve_problem(
        now=now, actor=w.owner, report=filed, upheld=True, resolution="Coach absent, confirmé."
    )
    assert done.status == ProblemStatus.UPHELD
    assert ledger.allowance(w.subscription, now, now).remaining == before + 1
    with pytest.raises(CoachingError) as again:
        problems.resolve_problem(
            now=now, actor=w.owner, report=filed, upheld=True, resolution="encore"
        )
    assert again.value.code == "already_resolved"
    assert ledger.allowance(w.subscription, now, now).remaining == before + 1
    entry = AuditEntry.objects.get(action="coaching.problem_resolved")
    assert entry.details["credited"] == 1 and entry.actor == w.owner
    assert AuditEntry.objects.filter(action="coaching.problem_reported").count() == 1


def test_rejected_nothing_moves(w):
    now = w.session.ends_at + timedelta(hours=1)
    before = ledger.allowance(w.subscription, now, now).remaining
    filed = report(w, now)
    with pytest.raises(CoachingError):
        problems.resolve_problem(now=now, actor=w.owner, report=filed, upheld=False, resolution=" ")
    problems.resolve_problem(
        now=now, actor=w.owner, report=filed, upheld=False, resolution="La salle fonctionnait."
    )
    assert ledger.allowance(w.subscription, now, now).remaining == before
