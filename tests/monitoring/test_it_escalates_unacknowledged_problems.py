"""Art. 3.2: a HARD problem not acknowledged 30 minutes after the hard change goes to the
on-call engineers; in HNO only HTTP and Ping, the others at the next opening;
acknowledgement stops it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import Escalation, OnCallShift
from clausier.monitoring.services.operations import acknowledge, escalate_due
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.helpers import make_staff
from tests.monitoring.helpers import feed, monitoring_world

CRIT, OK = State.CRITICAL, State.OK
MONDAY_10 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # 10:00 in Paris, office hours
SATURDAY_03 = datetime(2026, 3, 7, 2, 0, tzinfo=UTC)  # 03:00 in Paris, HNO
NEXT_MONDAY_9 = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)  # the next opening


def escalation_mails():
    return OutboxMessage.objects.filter(template="monitoring_escalation")


def hard_problem(service, start):
    return feed(service, [OK, CRIT, CRIT, CRIT], start)


@pytest.mark.django_db
def test_escalates_to_the_on_call_engineer_30_minutes_after_the_hard_change():
    world = monitoring_world(MONDAY_10)
    on_call = make_staff(world.provider, "engineer")
    OnCallShift.objects.create(
        provider=world.provider,
        person=on_call,
        starts_at=MONDAY_10,
        ends_at=MONDAY_10 + timedelta(hours=8),
    )
    hard_at = hard_problem(world.service("SMTP"), MONDAY_10)
    escalation = Escalation.objects.get()
    assert escalation.due_at == hard_at + timedelta(minutes=30) and not escalation.deferred
    with time_machine.travel(hard_at + timedelta(minutes=29, seconds=59), tick=False):
        assert escalate_due(timezone.now()) == 0
    with time_machine.travel(hard_at + timedelta(minutes=30), tick=False):
        assert escalate_due(timezone.now()) == 1
        assert escalate_due(timezone.now()) == 0  # nothing twice
    assert [m.to_email for m in escalation_mails()] == [on_call.email]
    assert "Art. 3.2" in escalation_mails().get().body


@pytest.mark.django_db
def test_without_a_rota_the_provider_engineers_are_told():
    world = monitoring_world(MONDAY_10)
    hard_at = hard_problem(world.service("HTTP"), MONDAY_10)
    escalate_due(hard_at + timedelta(minutes=31))
    assert sorted(m.to_email for m in escalation_mails()) == sorted(
        [world.owner.email, world.engineer.email]
    )


@pytest.mark.django_db
def test_acknowledgement_stops_the_escalation():
    world = monitoring_world(MONDAY_10)
    smtp = world.service("SMTP")
    hard_at = hard_problem(smtp, MONDAY_10)
    with time_machine.travel(hard_at + timedelta(minutes=10), tick=False):
        acknowledge(smtp, world.engineer, "On regarde, postfix redémarre.", timezone.now())
    assert escalate_due(hard_at + timedelta(hours=1)) == 0
    assert Escalation.objects.get().suppressed_by == "acknowledged"
    assert not escalation_mails().exists()
    with pytest.raises(MonitoringError):
        acknowledge(smtp, world.engineer, "again", hard_at + timedelta(minutes=11))


@pytest.mark.django_db
def test_acknowledging_needs_a_problem_and_a_comment():
    world = monitoring_world(MONDAY_10)
    smtp = world.service("SMTP")
    feed(smtp, [OK], MONDAY_10)
    with pytest.raises(MonitoringError, match="problème"):
        acknowledge(smtp, world.engineer, "rien", MONDAY_10)
    hard_problem(smtp, MONDAY_10 + timedelta(minutes=1))
    with pytest.raises(MonitoringError, match="commentaire"):
        acknowledge(smtp, world.engineer, "  ", MONDAY_10)


@pytest.mark.django_db
def test_recovery_before_the_deadline_cancels_the_escalation():
    world = monitoring_world(MONDAY_10)
    smtp = world.service("SMTP")
    hard_at = hard_problem(smtp, MONDAY_10)
    feed(smtp, [OK], hard_at + timedelta(minutes=5))
    assert escalate_due(hard_at + timedelta(hours=1)) == 0
    assert Escalation.objects.get().suppressed_by == "recovered"


@pytest.mark.django_db
def test_in_hno_http_and_ping_escalate_after_30_minutes():
    world = monitoring_world(SATURDAY_03)
    hard_at = hard_problem(world.service("HTTP"), SATURDAY_03)
    escalation = Escalation.objects.get()
    assert escalation.due_at == hard_at + timedelta(minutes=30) and not escalation.deferred


@pytest.mark.django_db
def test_in_hno_other_services_escalate_at_the_next_opening_if_still_failing():
    world = monitoring_world(SATURDAY_03)
    smtp = world.service("SMTP")
    hard_problem(smtp, SATURDAY_03)
    escalation = Escalation.objects.get()
    assert escalation.due_at == NEXT_MONDAY_9 and escalation.deferred
    with time_machine.travel(NEXT_MONDAY_9 - timedelta(seconds=1), tick=False):
        assert escalate_due(timezone.now()) == 0
    with time_machine.travel(NEXT_MONDAY_9, tick=False):
        assert escalate_due(timezone.now()) == 1


@pytest.mark.django_db
def test_a_service_staff_marked_critical_escalates_in_hno_too():
    world = monitoring_world(SATURDAY_03)
    smtp = world.service("SMTP")
    smtp.escalate_in_hno = True
    smtp.save()
    hard_at = hard_problem(smtp, SATURDAY_03)
    assert Escalation.objects.get().due_at == hard_at + timedelta(minutes=30)


@pytest.mark.django_db
def test_friday_1750_problem_escalates_at_1820_for_http_and_monday_for_smtp():
    friday_1750 = datetime(2026, 3, 6, 16, 50, tzinfo=UTC)
    world = monitoring_world(friday_1750)
    hard_problem(world.service("HTTP"), friday_1750 - timedelta(minutes=3))
    hard_problem(world.service("SMTP"), friday_1750 - timedelta(minutes=3))
    due = dict(Escalation.objects.values_list("service__name", "due_at"))
    assert due["HTTP"] == datetime(2026, 3, 6, 17, 20, tzinfo=UTC)
    assert due["SMTP"] == NEXT_MONDAY_9


@pytest.mark.django_db
def test_a_public_holiday_is_hno_smtp_waits_for_the_next_working_day():
    labour_day = datetime(2026, 5, 1, 8, 0, tzinfo=UTC)  # Friday 1 May, 10:00 in Paris
    world = monitoring_world(labour_day)
    hard_problem(world.service("SMTP"), labour_day)
    hard_problem(world.service("HTTP"), labour_day)
    due = dict(Escalation.objects.values_list("service__name", "due_at"))
    assert due["SMTP"] == datetime(2026, 5, 4, 7, 0, tzinfo=UTC)  # Monday 09:00 CEST
    assert due["HTTP"] == labour_day + timedelta(minutes=3 + 30)


@pytest.mark.django_db
def test_the_dst_night_counts_thirty_real_minutes():
    # 29 March 2026: 02:00 CET becomes 03:00 CEST. Hard at 01:50 CET (00:50 UTC).
    night = datetime(2026, 3, 29, 0, 47, tzinfo=UTC)
    world = monitoring_world(night)
    hard_at = hard_problem(world.service("Ping"), night)
    assert hard_at == datetime(2026, 3, 29, 0, 50, tzinfo=UTC)
    assert Escalation.objects.get().due_at == datetime(2026, 3, 29, 1, 20, tzinfo=UTC)  # 03:20 CEST
