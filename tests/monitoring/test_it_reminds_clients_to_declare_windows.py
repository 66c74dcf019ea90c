"""Art. 6: a client that has not declared a server's two weekly maintenance windows is
reminded, by e-mail to its admins, daily the first week after the server's creation,
then weekly, until it declares them; never twice for the same period."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from clausier.core.scheduler import registered_jobs
from clausier.monitoring import windows as rules
from clausier.monitoring.services import maintenance
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from tests.helpers import make_client_user
from tests.monitoring.helpers import monitoring_world

PARIS = ZoneInfo("Europe/Paris")
SECOND = timedelta(seconds=1)
# Monday 2 March 2026, 10:00 in Paris (CET): the server is created.
CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TWO_WINDOWS = [rules.WeeklyWindow(1, time(22, 0)), rules.WeeklyWindow(5, time(6, 0))]


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def reminders():
    return OutboxMessage.objects.filter(template=maintenance.REMINDER_TEMPLATE)


# --- the pure rule ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "day"),
    [
        (CREATED, None),  # the day of creation: nothing yet
        (utc(2026, 3, 3, 8, 59, 59), None),  # a second before the first reminder
        (utc(2026, 3, 3, 9, 0), 1),  # the day after, at the creation's time
        (utc(2026, 3, 4, 8, 59, 59), 1),
        (utc(2026, 3, 4, 9, 0), 2),
        (utc(2026, 3, 9, 8, 59, 59), 6),
        (utc(2026, 3, 9, 9, 0), 7),  # the last daily one
        (utc(2026, 3, 10, 9, 0), 7),  # day 8: weekly from now on, nothing new
        (utc(2026, 3, 16, 8, 59, 59), 7),  # the day before day 14, and its last second
        (utc(2026, 3, 16, 9, 0), 14),
        (utc(2026, 3, 22, 9, 0), 14),
        (utc(2026, 3, 23, 9, 0), 21),
    ],
)
def test_daily_the_first_week_then_weekly(now, day):
    assert rules.reminder_day(CREATED, PARIS, now) == day


def test_reminders_keep_the_local_hour_across_the_spring_dst_change():
    # Sunday 29 March 2026 Paris goes to CEST: day 28 (Monday 30 March) is due at 10:00
    # CEST = 08:00 UTC, an hour earlier in UTC than day 21.
    assert rules.reminder_due_at(CREATED, PARIS, 21) == utc(2026, 3, 23, 9, 0)
    assert rules.reminder_due_at(CREATED, PARIS, 28) == utc(2026, 3, 30, 8, 0)
    assert rules.reminder_day(CREATED, PARIS, utc(2026, 3, 30, 7, 59, 59)) == 21
    assert rules.reminder_day(CREATED, PARIS, utc(2026, 3, 30, 8, 0)) == 28


def test_reminders_keep_the_local_hour_across_the_autumn_dst_change():
    created = utc(2026, 10, 20, 8, 0)  # Tuesday 20 October 2026, 10:00 CEST
    # Sunday 25 October (day 5) 10:00 is CET: 09:00 UTC.
    assert rules.reminder_due_at(created, PARIS, 4) == utc(2026, 10, 24, 8, 0)
    assert rules.reminder_due_at(created, PARIS, 5) == utc(2026, 10, 25, 9, 0)
    assert rules.reminder_day(created, PARIS, utc(2026, 10, 25, 8, 59, 59)) == 4
    assert rules.reminder_day(created, PARIS, utc(2026, 10, 25, 9, 0)) == 5
    assert rules.reminder_day(created, PARIS, utc(2026, 10, 26, 9, 0)) == 6


def test_a_creation_late_in_the_evening_counts_local_days():
    # 23:30 in Paris on 2 March is 22:30 UTC: day 1 is 3 March 23:30 Paris, not the UTC
    # date's next day.
    created = utc(2026, 3, 2, 22, 30)
    assert rules.reminder_day(created, PARIS, utc(2026, 3, 3, 22, 29, 59)) is None
    assert rules.reminder_day(created, PARIS, utc(2026, 3, 3, 22, 30)) == 1


# --- the job ------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_clients_admins_get_one_reminder_per_period():
    world = monitoring_world(CREATED)
    second_admin = make_client_user(world.client, "admin")
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=1) - SECOND) == 0
    day_1 = CREATED + timedelta(days=1)
    assert maintenance.remind_missing_windows(day_1) == 2
    assert set(reminders().values_list("to_email", flat=True)) == {
        world.admin.email,
        second_admin.email,
    }  # the admins only: not the member, not the provider
    # The job runs every 10 minutes: nothing twice within the period.
    assert maintenance.remind_missing_windows(day_1) == 0
    assert maintenance.remind_missing_windows(day_1 + timedelta(hours=23, minutes=59)) == 0
    assert maintenance.remind_missing_windows(day_1 + timedelta(days=1)) == 2
    assert reminders().count() == 4


@pytest.mark.django_db
def test_after_the_first_week_weekly_and_only_the_latest_missed_one():
    world = monitoring_world(CREATED)
    # The job was down from day 2 to day 9: on day 9 only day 7's reminder goes out.
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=1)) == 1
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=9)) == 1
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=13)) == 0
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=14)) == 1
    keys = sorted(reminders().values_list("idempotency_key", flat=True))
    assert keys == sorted(
        f"monitoring-windows-reminder:{world.server.pk}:{day}:{world.admin.email.lower()}"
        for day in (1, 7, 14)
    )


@pytest.mark.django_db
def test_declaring_the_windows_stops_the_reminders():
    world = monitoring_world(CREATED)
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=2)) == 1
    maintenance.declare_windows(
        world.server, TWO_WINDOWS, world.admin, CREATED + timedelta(days=2, hours=1)
    )
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=3)) == 0
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=30)) == 0
    assert reminders().count() == 1


@pytest.mark.django_db
def test_an_inactive_server_is_not_reminded():
    world = monitoring_world(CREATED, active=False)
    assert maintenance.remind_missing_windows(CREATED + timedelta(days=3)) == 0
    assert world.server.maintenance_windows.count() == 0


@pytest.mark.django_db
def test_the_reminder_cites_art_6_links_the_form_and_reaches_smtp(smtp_server):
    world = monitoring_world(CREATED)
    world.admin.language = "de"
    world.admin.save(update_fields=["language"])
    english = make_client_user(world.client, "admin")
    english.language = "en"
    english.save(update_fields=["language"])
    french = make_client_user(world.client, "admin")
    day_1 = CREATED + timedelta(days=1)
    assert maintenance.remind_missing_windows(day_1) == 3
    assert deliver_due(day_1)["sent"] == 3
    assert deliver_due(day_1 + timedelta(hours=1))["sent"] == 0
    by_to = {m["To"]: m for m in smtp_server.messages}
    assert set(by_to) == {world.admin.email, english.email, french.email}
    link = f"/supervision/serveurs/{world.server.pk}/maintenance/"
    expected = {
        world.admin.email: ("Wartungsfenster", "Überwacht seit: 2026-03-02"),
        english.email: ("maintenance windows", "Monitored since: 2026-03-02"),
        french.email: ("plages de maintenance", "Supervisé depuis le : 2026-03-02"),
    }
    for to, (subject_words, since) in expected.items():
        message = by_to[to]
        body = message.get_body(("plain",)).get_content()
        assert "Art. 6" in message["Subject"] and subject_words in message["Subject"]
        assert "www1" in message["Subject"]
        assert link in body and since in body and "Europe/Paris" in body


def test_the_job_is_registered_with_the_scheduler():
    jobs = {job.name: job for job in registered_jobs()}
    job = jobs["monitoring.windows_reminders"]
    assert job.target == "clausier.monitoring.tasks.remind_missing_windows"
    assert job.every_seconds <= 3600
