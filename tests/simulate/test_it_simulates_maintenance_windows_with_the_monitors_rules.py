"""The simulator's maintenance_windows and maintenance events (hosting art. 6) answer as
the monitoring service does: the same declarations refused with the same codes, the
same maintenances scheduled or refused; a scheduled one is a downtime for the alerts."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest

from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.services import maintenance as service
from clausier.monitoring.windows import WeeklyWindow
from clausier.simulate.errors import ScenarioError
from tests.monitoring.helpers import monitoring_world
from tests.simulate.helpers import hosting, results

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # Monday 2 March 2026, 10:00 in Paris
DECLARE = "{at: '2026-03-02T10:00', type: maintenance_windows, server: www, windows: [%s]}"


def declare(*slots: str) -> str:
    return DECLARE % ", ".join(slots)


def plan(start: str, end: str, at: str = "2026-03-02T10:00") -> str:
    return (
        f"{{at: '{at}', type: maintenance, server: www, start: '{start}', end: '{end}', "
        "reason: patch}"
    )


@pytest.mark.parametrize(
    ("slots", "code"),
    [
        (["tuesday 22:00"], "two_windows_required"),
        (["tuesday 22:00", "tue 23:59"], "windows_overlap"),
        (["sunday 23:00", "monday 00:30"], "windows_overlap"),
        (["tuesday 22:00", "saturday 06:00", "friday 12:00"], "two_windows_required"),
        (["tuesday 22:00", "saturday 06:00"], None),
    ],
)
@pytest.mark.django_db
def test_declarations_are_refused_as_the_service_refuses_them(slots, code):
    (declared,) = results(hosting(declare(*slots)), "maintenance_windows")
    assert declared["clause"] == "Art. 6"
    assert declared["outcome"] == ("declared" if code is None else "refused")
    assert declared.get("refused_because") == code
    world = monitoring_world(NOW)
    days = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    given = [
        WeeklyWindow(
            next(i for i, d in enumerate(days) if d.startswith(s.split()[0])),
            time.fromisoformat(s.split()[1]),
        )
        for s in slots
    ]
    if code is None:
        assert len(service.declare_windows(world.server, given, world.admin, NOW)) == 2
    else:
        with pytest.raises(MonitoringError) as exc:
            service.declare_windows(world.server, given, world.admin, NOW)
        assert exc.value.code == code


CASES = [
    # (start, end) in Paris time; windows Tuesday 22:00 and Sunday 01:00.
    ("2026-03-03T22:00", "2026-03-04T00:00", None),  # the whole Tuesday window
    ("2026-03-03T21:59", "2026-03-03T23:00", "outside_window"),  # a minute early
    ("2026-03-03T22:00", "2026-03-04T00:01", "outside_window"),  # a minute late
    ("2026-03-03T23:00", "2026-03-03T22:30", "invalid_period"),
    ("2026-03-02T09:00", "2026-03-02T09:30", "notice_too_late"),  # already started
    # 29 March, clocks go forward: 01:00 CET + 2 h ends at 04:00 CEST.
    ("2026-03-29T03:30", "2026-03-29T04:00", None),
    ("2026-03-29T03:30", "2026-03-29T04:01", "outside_window"),
]


@pytest.mark.parametrize(("start", "end", "code"), CASES)
@pytest.mark.django_db
def test_maintenances_are_allowed_as_the_service_allows_them(start, end, code):
    text = hosting(declare("tuesday 22:00", "sunday 01:00"), plan(start, end))
    (planned,) = results(text, "maintenance")
    assert planned["outcome"] == ("scheduled" if code is None else "refused")
    assert planned.get("refused_because") == code
    world = monitoring_world(NOW)
    service.declare_windows(
        world.server,
        [WeeklyWindow(1, time(22, 0)), WeeklyWindow(6, time(1, 0))],
        world.admin,
        NOW,
    )
    paris = "+01:00" if start < "2026-03-29T02" else "+02:00"
    kwargs = {
        "starts_at": datetime.fromisoformat(start + paris),
        "ends_at": datetime.fromisoformat(end + paris),
        "reason": "patch",
        "person": world.engineer,
        "now": NOW + timedelta(minutes=0),
    }
    if code is None:
        assert service.schedule_maintenance(world.server, **kwargs).pk
    else:
        with pytest.raises(MonitoringError) as exc:
            service.schedule_maintenance(world.server, **kwargs)
        assert exc.value.code == code


def test_a_maintenance_before_the_windows_are_declared_is_refused():
    (planned,) = results(hosting(plan("2026-03-03T22:00", "2026-03-03T23:00")), "maintenance")
    assert planned["refused_because"] == "windows_missing"


def test_a_scheduled_maintenance_suppresses_alerts_until_its_end():
    events = [
        "{at: '2026-03-02T09:00', type: service_defined, id: ping, server: www, check: ping}",
        "{at: '2026-03-02T09:00', type: check_result, service: ping, state: OK}",
        declare("tuesday 22:00", "sunday 01:00"),
        plan("2026-03-03T22:00", "2026-03-04T00:00"),
        *(
            f"{{at: '2026-03-03T22:3{i}', type: check_result, service: ping, state: CRITICAL}}"
            for i in range(3)
        ),
    ]
    (scheduled,) = results(hosting(*events), "maintenance")
    assert scheduled["outcome"] == "scheduled"
    assert scheduled["notice_at"] == "2026-03-02T10:00:00+01:00"
    until = "until: '2026-03-04T01:00'\n"
    (alert,) = results(hosting(*events, header=until), "alert")
    # Not at 22:32 (hard inside the maintenance) but at its end, still down.
    assert alert["at"] == "2026-03-04T00:00:00+01:00" and alert["state"] == "DOWN"
    refused = [*events[:3], plan("2026-03-03T21:00", "2026-03-03T23:00"), *events[4:]]
    (alert,) = results(hosting(*refused, header=until), "alert")
    assert alert["at"] == "2026-03-03T22:32:00+01:00"  # no downtime: alerted at once


@pytest.mark.parametrize(
    ("windows", "message"),
    [
        ("tuesday 22:00", "must be a list"),
        ("[someday 22:00, sunday 01:00]", "does not start with a weekday"),
        ("[t 22:00, sunday 01:00]", "does not start with a weekday"),
        ("[tuesday, sunday 01:00]", "no start time"),
        ("[tuesday 25:00, sunday 01:00]", "no start time"),
    ],
)
def test_bad_windows_are_scenario_errors(windows, message):
    text = hosting(
        f"{{at: '2026-03-02T10:00', type: maintenance_windows, server: www, windows: {windows}}}"
    )
    with pytest.raises(ScenarioError) as exc:
        results(text)
    assert message in str(exc.value) and "windows" in str(exc.value)
