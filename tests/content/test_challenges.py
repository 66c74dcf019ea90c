"""Challenges ("projet défis", art. 6.1): set by a coach, answered by collaborators, late
after the due day in the contract's zone (Europe/Paris), with the coach's feedback."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from clausier.content import rules, services
from clausier.content.errors import ContentError, NotAllowedHere
from tests.content.builders import content_world, pdf_bytes

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


@pytest.mark.parametrize(
    ("submitted_at", "late"),
    [
        (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), False),  # 23:59 in Paris, the due day
        (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), True),  # midnight in Paris: the day after
        (datetime(2026, 3, 27, 12, 0, tzinfo=UTC), False),  # the day before
    ],
)
def test_lateness_is_judged_on_the_paris_day(submitted_at, late):
    assert rules.is_late(date(2026, 3, 28), submitted_at, PARIS) is late


def test_lateness_across_the_spring_dst_night():
    # 29 March 2026: clocks go from 02:00 to 03:00 in Paris (UTC+2 afterwards).
    due = date(2026, 3, 29)
    assert rules.is_late(due, datetime(2026, 3, 29, 21, 59, tzinfo=UTC), PARIS) is False
    assert rules.is_late(due, datetime(2026, 3, 29, 22, 0, tzinfo=UTC), PARIS) is True


def test_lateness_across_the_autumn_dst_night():
    due = date(2026, 10, 25)  # back to UTC+1 at 03:00
    assert rules.is_late(due, datetime(2026, 10, 25, 22, 59, tzinfo=UTC), PARIS) is False
    assert rules.is_late(due, datetime(2026, 10, 25, 23, 0, tzinfo=UTC), PARIS) is True


def _challenge(world, now):
    return services.set_challenge(
        now=now,
        actor=world.coach,
        subscription=world.subscription,
        title="Pitch de 2 minutes",
        instructions="Enregistrez votre pitch.",
        due_on=date(2026, 3, 28),
    )


def test_a_collaborator_submits_late_then_gets_feedback():
    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    world = content_world(now)
    challenge = _challenge(world, now)
    on_time = services.submit(now=now, actor=world.admin, challenge=challenge, text="Mon pitch")
    assert on_time.late is False
    late_at = datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    late = services.submit(
        now=late_at,
        actor=world.member,
        challenge=challenge,
        text="Le mien",
        file_name="pitch.pdf",
        stream=io.BytesIO(pdf_bytes()),
    )
    assert late.late is True and late.upload.content_type == "application/pdf"
    services.give_feedback(
        now=late_at, actor=world.coach, submission=late, feedback="Bien, à raccourcir"
    )
    late.refresh_from_db()
    assert (late.feedback_by, late.feedback_at) == (world.coach, late_at)
    with pytest.raises(ContentError):
        services.submit(now=late_at, actor=world.member, challenge=challenge, text="Encore")


def test_a_resubmission_before_feedback_replaces_the_answer():
    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    world = content_world(now)
    challenge = _challenge(world, now)
    services.submit(now=now, actor=world.member, challenge=challenge, text="v1")
    again = services.submit(now=now, actor=world.member, challenge=challenge, text="v2")
    assert challenge.submissions.get().text == "v2" == again.text


def test_only_the_clients_collaborators_submit_and_only_coaches_give_feedback():
    now = datetime(2026, 3, 20, 9, 0, tzinfo=UTC)
    world = content_world(now)
    challenge = _challenge(world, now)
    for person in (world.other_admin, world.coach):
        with pytest.raises(NotAllowedHere):
            services.submit(now=now, actor=person, challenge=challenge, text="x")
    submission = services.submit(now=now, actor=world.member, challenge=challenge, text="x")
    for person in (world.admin, world.engineer, world.outsider_owner):
        with pytest.raises(NotAllowedHere):
            services.give_feedback(now=now, actor=person, submission=submission, feedback="y")
    with pytest.raises(NotAllowedHere):
        services.set_challenge(
            now=now,
            actor=world.admin,
            subscription=world.subscription,
            title="x",
            instructions="y",
            due_on=date(2026, 4, 1),
        )
