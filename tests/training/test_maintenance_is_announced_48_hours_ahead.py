"""Art. 7.4: a maintenance is announced at least 48 clock hours ahead (refused with the
clause when later, unless urgent), by an e-mail to the affected people through the outbox
(FR/DE/EN, once), a banner in the portal until it ends, and the trainings get its duration
back once it is over."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clausier.coaching.errors import CoachingError
from clausier.coaching.models import ServiceInterruption
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from clausier.training import access, interruptions
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, PARIS, training_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 16, 12, tzinfo=PARIS)


@pytest.fixture
def w():
    world = training_world()
    world["training"].access_days = 30
    world["training"].save()
    world["enrolment"] = quote_of(world, world["alice"]).enrolments.get()
    return world


def schedule(w, starts_at, hours=2, now=NOW, emergency=False):
    return interruptions.schedule_maintenance(
        now=now,
        actor=w["owner"],
        provider=w["provider"],
        starts_at=starts_at,
        ends_at=starts_at + timedelta(hours=hours),
        scope="Lecteur de modules",
        cause="Mise à jour",
        emergency=emergency,
    )


def test_48_hours_ahead_is_in_time_a_minute_less_is_refused_with_the_clause(w):
    with pytest.raises(CoachingError) as refused:
        schedule(w, NOW + timedelta(hours=47, minutes=59))
    assert refused.value.code == "maintenance_notice_too_short"
    assert "7.4" in str(refused.value.message)
    assert not ServiceInterruption.objects.exists()
    row, _sent = schedule(w, NOW + timedelta(hours=48))
    assert row.announced_at == NOW and not row.emergency
    entry = AuditEntry.objects.get(action="coaching.maintenance_scheduled")
    assert entry.details["announced_in_time"] is True and "7.4" in entry.details["clause"]


def test_an_urgent_maintenance_may_come_sooner_and_says_so(w):
    row, sent = schedule(w, NOW + timedelta(hours=1), emergency=True)
    assert row.emergency and sent == 1
    body = OutboxMessage.objects.get(template="maintenance_notice").body
    assert "Maintenance urgente" in body


def test_48_clock_hours_across_the_autumn_dst_change(w):
    friday = datetime(2026, 10, 23, 12, tzinfo=PARIS)  # CEST
    # Sunday 25 October 11:00 CET is 48 real hours later (the wall clock says 47).
    schedule(w, datetime(2026, 10, 25, 11, tzinfo=PARIS), now=friday)
    with pytest.raises(CoachingError):
        schedule(w, datetime(2026, 10, 25, 10, 59, tzinfo=PARIS), now=friday)


@pytest.mark.parametrize(
    ("starts", "hours", "code"),
    [
        (NOW - timedelta(hours=1), 2, "maintenance_started"),
        (NOW + timedelta(days=3), 0, "bad_period"),
        (NOW + timedelta(days=3), -1, "bad_period"),
    ],
)
def test_bad_maintenances_are_refused(w, starts, hours, code):
    with pytest.raises(CoachingError) as refused:
        schedule(w, starts, hours=hours)
    assert refused.value.code == code


def test_trainees_are_told_once_in_their_language_by_real_smtp(w, smtp_server):
    w["alice"].language = "de"
    w["alice"].save()
    row, sent = schedule(w, NOW + timedelta(days=3))
    assert sent == 1  # Alice's access is open then; Bob is not enrolled, no active client
    assert interruptions.send_maintenance_notice(row, NOW) == 0
    message = OutboxMessage.objects.get(template="maintenance_notice")
    assert message.to_email == w["alice"].email
    assert "Wartung" in message.subject and "Art. 7.4" in message.body
    deliver_due(NOW)
    [received] = [m for m in smtp_server.messages if m["To"] == w["alice"].email]
    assert "Wartung" in received["Subject"]


def test_the_maintenance_gives_its_duration_back_to_the_trainings_once_over(w):
    starts = NOW + timedelta(days=3)
    schedule(w, starts, hours=5)
    closes = FIRST_START + timedelta(days=30)
    assert interruptions.apply_interruptions(starts + timedelta(hours=4)) == 0  # not over
    assert interruptions.apply_interruptions(starts + timedelta(hours=5)) == 1
    assert interruptions.apply_interruptions(starts + timedelta(days=1)) == 0  # once
    assert access.window(w["enrolment"]).closes_at == closes + timedelta(days=1)


def test_the_banner_shows_from_the_announcement_to_the_end(client, w):
    starts = NOW + timedelta(days=3)
    schedule(w, starts)
    client.force_login(w["alice"])
    url = reverse("portal:training_home")
    with time_machine.travel(NOW - timedelta(minutes=1), tick=False):
        assert "maintenance-banner" not in client.get(url).content.decode()
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        page = client.get(url).content.decode()
    assert "maintenance-banner" in page and "Lecteur de modules" in page and "7.4" in page
    with time_machine.travel(starts + timedelta(hours=2), tick=False):
        assert "maintenance-banner" not in client.get(url).content.decode()


def test_the_staff_page_schedules_a_maintenance(client, w):
    client.force_login(w["owner"])
    url = reverse("portal:training_interruptions")
    fields = {
        "kind": "maintenance",
        "maintenance-provider": w["provider"].pk,
        "maintenance-starts_at": "2026-03-17T09:00",
        "maintenance-ends_at": "2026-03-17T11:00",
        "maintenance-scope": "Application web",
    }
    with time_machine.travel(NOW, tick=False):
        late = client.post(url, fields)
        assert late.status_code == 400 and "7.4" in late.content.decode()
        done = client.post(url, {**fields, "maintenance-emergency": "on"}, follow=True)
    assert "Maintenance programmée" in done.content.decode()
    assert ServiceInterruption.objects.get().emergency
