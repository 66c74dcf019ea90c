"""Art. 7.3: an outage recorded by staff extends each trainee's e-learning access by the
whole unavailability when it was not fixed within 48 business hours (whole days, rounded
up), once per enrolment, audited; fixed in time, nothing; coaching access is not extended."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ServiceInterruption
from clausier.core.models import AuditEntry
from clausier.training import access, interruptions
from clausier.training.models import AccessExtension
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, PARIS, training_world

pytestmark = pytest.mark.django_db
CLOSES = FIRST_START + timedelta(days=30)  # Wednesday 8 April 2026, 09:00 Paris
MONDAY_9 = datetime(2026, 3, 16, 9, tzinfo=PARIS)


@pytest.fixture
def w():
    world = training_world()
    world["training"].access_days = 30
    world["training"].save()
    world["enrolment"] = quote_of(world, world["alice"]).enrolments.get()
    return world


def outage(w, starts_at, ends_at, now=None, actor=None):
    return interruptions.record_outage(
        now=now or ends_at + timedelta(hours=1),
        actor=actor or w["owner"],
        provider=w["provider"],
        starts_at=starts_at,
        ends_at=ends_at,
        scope="Application web entière",
        cause="Panne de l'hébergeur",
    )


@pytest.mark.parametrize(
    ("fixed_at", "days"),
    [
        (MONDAY_9 + timedelta(hours=47, minutes=59), 0),  # the day before the deadline's minute
        (MONDAY_9 + timedelta(hours=48), 0),  # Wednesday 09:00: exactly 48:00, in time
        (MONDAY_9 + timedelta(hours=48, minutes=1), 3),  # 2 days and 1 minute -> 3 days
    ],
)
def test_the_48_business_hours_boundary(w, fixed_at, days):
    row, extended = outage(w, MONDAY_9, fixed_at)
    assert extended == (1 if days else 0)
    assert access.window(w["enrolment"]).closes_at == CLOSES + timedelta(days=days)
    if days:
        extension = AccessExtension.objects.get(interruption=row)
        assert extension.clause == "Art. 7.3" and extension.days == days


def test_a_weekend_and_easter_monday_do_not_count_as_business_hours(w):
    # Friday 3 April 09:00: Friday's 15 hours, Easter Monday off, Tuesday's 24, so the
    # deadline is Wednesday 8 April 09:00 — a fix at Tuesday 23:00 is in time (110 clock h).
    friday = datetime(2026, 4, 3, 9, tzinfo=PARIS)
    _row, extended = outage(w, friday, datetime(2026, 4, 7, 23, tzinfo=PARIS))
    assert extended == 0
    _row, extended = outage(w, friday, datetime(2026, 4, 8, 9, 1, tzinfo=PARIS))
    assert extended == 1


def test_it_extends_once_and_is_audited(w):
    row, extended = outage(w, MONDAY_9, MONDAY_9 + timedelta(days=5))
    assert extended == 1
    assert interruptions.apply_interruptions(MONDAY_9 + timedelta(days=30)) == 0
    assert interruptions.apply_interruption(row, MONDAY_9 + timedelta(days=30)) == []
    assert access.window(w["enrolment"]).closes_at == CLOSES + timedelta(days=5)
    recorded = AuditEntry.objects.get(action="coaching.outage_recorded")
    assert recorded.actor == w["owner"] and recorded.details["fixed_late"] is True
    assert "7.3" in recorded.details["clause"]
    extended_entry = AuditEntry.objects.get(action="training.access_extended")
    assert extended_entry.details["interruption"] == row.pk
    assert extended_entry.details["unavailability_minutes"] == 5 * 24 * 60


def test_an_outage_outside_the_access_extends_nothing(w):
    after = CLOSES + timedelta(minutes=1)
    _row, extended = outage(w, after, after + timedelta(days=5))
    assert extended == 0
    before = w["enrolment"].enrolled_at - timedelta(days=10)
    _row, extended = outage(w, before, before + timedelta(days=5))
    assert extended == 0


def test_an_extension_brings_a_later_outage_inside_the_window(w):
    outage(w, MONDAY_9, MONDAY_9 + timedelta(days=5))  # closes 13 April 09:00
    later = CLOSES + timedelta(days=2)
    _row, extended = outage(w, later, later + timedelta(days=5))  # Friday to Wednesday
    assert extended == 1
    assert access.window(w["enrolment"]).closes_at == CLOSES + timedelta(days=10)


@pytest.mark.parametrize(
    ("starts", "ends", "now", "code"),
    [
        (MONDAY_9, MONDAY_9, MONDAY_9 + timedelta(days=1), "bad_period"),
        (MONDAY_9, MONDAY_9 - timedelta(hours=1), MONDAY_9 + timedelta(days=1), "bad_period"),
        (MONDAY_9, MONDAY_9 + timedelta(days=2), MONDAY_9 + timedelta(days=1), "outage_not_over"),
        (MONDAY_9, MONDAY_9 + timedelta(days=400), MONDAY_9 + timedelta(days=401), "bad_period"),
    ],
)
def test_bad_periods_are_refused_with_a_clear_code(w, starts, ends, now, code):
    with pytest.raises(CoachingError) as refused:
        outage(w, starts, ends, now=now)
    assert refused.value.code == code
    assert not ServiceInterruption.objects.exists()


def test_scope_and_cause_are_required(w):
    with pytest.raises(CoachingError) as refused:
        interruptions.record_outage(
            now=MONDAY_9 + timedelta(days=3),
            actor=w["owner"],
            provider=w["provider"],
            starts_at=MONDAY_9,
            ends_at=MONDAY_9 + timedelta(days=1),
            scope="  ",
            cause="x",
        )
    assert refused.value.code == "outage_incomplete"


@pytest.mark.parametrize("who", ["admin", "alice", "coach", "accountant"])
def test_only_owners_and_engineers_record_outages(w, who):
    with pytest.raises(NotAllowed):
        outage(w, MONDAY_9, MONDAY_9 + timedelta(days=3), actor=w[who])
    assert not ServiceInterruption.objects.exists()
