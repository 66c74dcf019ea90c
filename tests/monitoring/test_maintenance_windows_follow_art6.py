"""Art. 6: the client's two distinct 2-hour weekly windows per server; staff schedule a
maintenance needing a restart only inside one, as a downtime, with a notice before it."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from clausier.core.models import AuditEntry
from clausier.monitoring import windows as rules
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import Alert, Downtime, DowntimeKind, MaintenanceWindow
from clausier.monitoring.services import maintenance
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.helpers import PASSWORD
from tests.monitoring.helpers import feed, monitoring_world
from tests.monitoring.test_the_api_serves_staff_and_clients import post, token

PARIS = ZoneInfo("Europe/Paris")
W = rules.WeeklyWindow
# Tuesday 22:00 and Saturday 06:00, Paris time.
TUE_22, SAT_06 = W(1, time(22, 0)), W(5, time(6, 0))
NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Paris


# --- the pure rule ------------------------------------------------------------------


def test_exactly_two_windows_are_required():
    for given in ([], [TUE_22], [TUE_22, SAT_06, W(3, time(12, 0))]):
        with pytest.raises(rules.WindowError) as exc:
            rules.validate(given)
        assert exc.value.code == "two_windows_required" and "Art. 6" in exc.value.message
    assert rules.validate([SAT_06, TUE_22]) == [TUE_22, SAT_06]


@pytest.mark.parametrize(
    ("a", "b", "ok"),
    [
        (W(1, time(10, 0)), W(1, time(10, 0)), False),  # the same window twice
        (W(1, time(10, 0)), W(1, time(11, 59)), False),  # one minute of overlap
        (W(1, time(10, 0)), W(1, time(12, 0)), True),  # back to back: distinct
        (W(6, time(23, 0)), W(0, time(0, 30)), False),  # overlap across the week's end
        (W(6, time(22, 0)), W(0, time(0, 0)), True),  # touching across the week's end
    ],
)
def test_the_two_windows_must_be_distinct(a, b, ok):
    if ok:
        assert len(rules.validate([a, b])) == 2
    else:
        with pytest.raises(rules.WindowError) as exc:
            rules.validate([a, b])
        assert exc.value.code == "windows_overlap"


def test_a_window_lasts_two_hours_in_the_local_zone():
    (start, end), *_ = rules.occurrences([TUE_22, SAT_06], PARIS, NOW, NOW + timedelta(days=7))
    assert start == datetime(2026, 3, 3, 21, 0, tzinfo=UTC)  # 22:00 CET
    assert end - start == timedelta(hours=2)


def test_windows_across_the_spring_dst_change_keep_two_real_hours():
    # Sunday 29 March 2026: Paris goes from 02:00 CET to 03:00 CEST.
    night = [W(6, time(1, 0)), W(6, time(2, 30))]
    after = datetime(2026, 3, 28, 12, 0, tzinfo=UTC)
    found = list(rules.occurrences(night, PARIS, after, after + timedelta(days=1)))
    assert found == [
        # 01:00 CET → 04:00 CEST: two elapsed hours.
        (datetime(2026, 3, 29, 0, 0, tzinfo=UTC), datetime(2026, 3, 29, 2, 0, tzinfo=UTC)),
        # 02:30 does not exist that night: the instant it would have been (03:30 CEST).
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), datetime(2026, 3, 29, 3, 30, tzinfo=UTC)),
    ]
    # The week before and after, the same windows are in CET then CEST.
    before = list(rules.occurrences(night, PARIS, after - timedelta(days=7), after))
    assert before[0][0] == datetime(2026, 3, 22, 0, 0, tzinfo=UTC)
    later = list(
        rules.occurrences(night, PARIS, after + timedelta(days=7), after + timedelta(days=8))
    )
    assert later[0][0] == datetime(2026, 4, 4, 23, 0, tzinfo=UTC)


def test_an_ambiguous_autumn_start_is_its_first_occurrence():
    # Sunday 25 October 2026: 02:30 happens twice in Paris; the first is 00:30 UTC.
    after = datetime(2026, 10, 24, 12, 0, tzinfo=UTC)
    found = list(
        rules.occurrences([W(6, time(2, 30)), SAT_06], PARIS, after, after + timedelta(days=1))
    )
    assert found == [
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), datetime(2026, 10, 25, 2, 30, tzinfo=UTC))
    ]


# --- the service --------------------------------------------------------------------


def declare(world, person=None):
    return maintenance.declare_windows(world.server, [TUE_22, SAT_06], person or world.admin, NOW)


@pytest.mark.django_db
def test_the_client_admin_declares_two_windows_audited():
    world = monitoring_world(NOW)
    assert not maintenance.windows_complete(world.server)
    rows = declare(world)
    assert [(r.weekday, r.start) for r in rows] == [(1, time(22, 0)), (5, time(6, 0))]
    assert maintenance.windows_complete(world.server)
    entry = AuditEntry.objects.get(action="monitoring.maintenance_windows_declared")
    assert entry.details["clause"] == "Art. 6" and entry.details["zone"] == "Europe/Paris"
    # Declaring again replaces them.
    maintenance.declare_windows(
        world.server, [W(0, time(5, 0)), W(3, time(5, 0))], world.admin, NOW
    )
    assert MaintenanceWindow.objects.filter(server=world.server).count() == 2
    with pytest.raises(MonitoringError) as exc:
        maintenance.declare_windows(world.server, [TUE_22], world.admin, NOW)
    assert exc.value.code == "two_windows_required"
    assert MaintenanceWindow.objects.filter(server=world.server).count() == 2


@pytest.mark.django_db
def test_maintenance_is_scheduled_only_inside_a_window_with_a_notice():
    world = monitoring_world(NOW)
    start = datetime(2026, 3, 3, 21, 0, tzinfo=UTC)  # Tuesday 22:00 Paris
    with pytest.raises(MonitoringError) as exc:
        maintenance.schedule_maintenance(
            world.server,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            reason="noyau",
            person=world.engineer,
            now=NOW,
        )
    assert exc.value.code == "windows_missing"
    declare(world)
    refused = [
        (start - timedelta(minutes=1), start + timedelta(hours=1)),  # a minute early
        (start + timedelta(hours=1), start + timedelta(hours=2, minutes=1)),  # a minute late
        (start + timedelta(days=1), start + timedelta(days=1, hours=1)),  # Wednesday
    ]
    for a, b in refused:
        with pytest.raises(MonitoringError) as exc:
            maintenance.schedule_maintenance(
                world.server, starts_at=a, ends_at=b, reason="x", person=world.engineer, now=NOW
            )
        assert exc.value.code == "outside_window" and "Art. 6" in str(exc.value.message)
    with pytest.raises(MonitoringError) as exc:  # already begun: no notice possible
        maintenance.schedule_maintenance(
            world.server,
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            reason="x",
            person=world.engineer,
            now=start,
        )
    assert exc.value.code == "notice_too_late"

    downtime = maintenance.schedule_maintenance(
        world.server,
        starts_at=start,
        ends_at=start + timedelta(hours=2),  # the whole window, to its last second
        reason="Mise à jour du noyau",
        person=world.engineer,
        now=NOW,
    )
    assert downtime.kind == DowntimeKind.MAINTENANCE and downtime.author == world.engineer
    notices = OutboxMessage.objects.filter(template="monitoring_maintenance_notice")
    recipients = {m.to_email for m in notices}
    assert {world.admin.email, world.member.email, world.provider.support_email} <= recipients
    admin_notice = notices.get(to_email=world.admin.email)
    assert "Art. 6" in admin_notice.body and "2026-03-03 22:00" in admin_notice.body
    assert "Mise à jour du noyau" in admin_notice.body
    assert AuditEntry.objects.filter(action="monitoring.maintenance_scheduled").exists()

    # During the maintenance, the existing downtime mechanism suppresses alerts.
    http = world.service("HTTP")
    feed(http, [State.OK], NOW)
    feed(http, [State.CRITICAL] * 3, start + timedelta(minutes=5))
    assert not Alert.objects.filter(service=http).exists()


# --- API ----------------------------------------------------------------------------


def put(client, path, body, who):
    return client.put(path, data=json.dumps(body), content_type="application/json", **token(who))


@pytest.mark.django_db
def test_the_api_declares_windows_and_schedules_maintenance(client):
    world = monitoring_world(timezone.now())
    base = f"/api/monitoring/servers/{world.server.pk}"
    empty = client.get(f"{base}/maintenance-windows", **token(world.member))
    assert empty.status_code == 200 and empty.json()["complete"] is False
    body = {"windows": [{"weekday": 1, "start": "22:00"}, {"weekday": 5, "start": "06:00"}]}
    assert put(client, f"{base}/maintenance-windows", body, world.member).status_code == 403
    one = {"windows": body["windows"][:1]}
    refused = put(client, f"{base}/maintenance-windows", one, world.admin)
    assert refused.status_code == 400 and refused.json()["code"] == "two_windows_required"
    bad = {"windows": [{"weekday": 9, "start": "25:00"}, {"weekday": 1, "start": "x"}]}
    assert put(client, f"{base}/maintenance-windows", bad, world.admin).status_code in (400, 422)
    done = put(client, f"{base}/maintenance-windows", body, world.admin)
    assert done.status_code == 200 and done.json()["complete"] is True
    assert done.json()["windows"] == body["windows"]

    zone = maintenance.server_zone(world.server)
    start, _end = rules.next_occurrence(maintenance.declared(world.server), zone, timezone.now())
    inside = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=1)).isoformat(),
        "reason": "PHP",
    }
    assert post(client, f"{base}/maintenances", inside, world.admin).status_code == 403
    created = post(client, f"{base}/maintenances", inside, world.engineer)
    assert created.status_code == 201 and created.json()["kind"] == "maintenance"
    outside = dict(inside, starts_at=(start - timedelta(hours=1)).isoformat())
    answer = post(client, f"{base}/maintenances", outside, world.engineer)
    assert answer.status_code == 400 and answer.json()["code"] == "outside_window"
    assert Downtime.objects.filter(server=world.server).count() == 1


# --- pages --------------------------------------------------------------------------


@pytest.mark.django_db
def test_pages_flag_missing_windows_and_let_the_admin_declare_them(client):
    world = monitoring_world(timezone.now())
    client.login(username=world.admin.email, password=PASSWORD)
    status = client.get("/supervision/").content.decode()
    assert "art. 6" in status and "windows-missing" in status
    server_page = client.get(f"/supervision/serveurs/{world.server.pk}/").content.decode()
    assert "windows-missing" in server_page
    url = f"/supervision/serveurs/{world.server.pk}/maintenance/"
    page = client.get(url)
    assert page.status_code == 200 and "windows-missing" in page.content.decode()
    overlap = {
        "action": "windows",
        "first_day": "1",
        "first_start": "10:00",
        "second_day": "1",
        "second_start": "11:00",
    }
    answer = client.post(url, overlap)
    assert answer.status_code == 200 and "distinctes" in answer.content.decode()
    ok = dict(overlap, second_start="14:00")
    assert client.post(url, ok).status_code == 302
    assert maintenance.windows_complete(world.server)
    assert "windows-missing" not in client.get("/supervision/").content.decode()
    # The admin may not schedule maintenance (staff only).
    assert client.post(url, {"action": "maintenance"}).status_code == 403
    client.logout()
    client.login(username=world.member.email, password=PASSWORD)
    assert client.post(url, ok).status_code == 403
