"""Availability as Icinga DB's get_sla_ok_percent computes it, plus "no data" periods
where the monitor itself was down; the month-end HA credit (art. 14)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clausier.billing.models import SlaCredit
from clausier.monitoring import sla
from clausier.monitoring.models import AvailabilityReport, MonitorHeartbeat
from clausier.monitoring.services.availability import (
    close_month,
    close_previous_months,
    month_window,
    server_availability,
    service_availability,
)
from clausier.monitoring.services.operations import beat, schedule_downtime
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world

S = datetime(2026, 3, 1, tzinfo=UTC)
E = S + timedelta(days=10)
H = timedelta(hours=1)


def test_problem_time_over_counted_time():
    problems, first = sla.problem_intervals(
        [sla.HardChange(S + H, True), sla.HardChange(S + 2 * H, False)], False, S, E
    )
    a = sla.sla_ok_percent(problems, first, S, E)
    assert a.problem == H and a.counted == E - S
    assert a.percent == (Decimal(100) * (240 - 1) / 240).quantize(Decimal("0.0001"))


def test_time_before_the_first_result_is_excluded():
    problems, first = sla.problem_intervals([sla.HardChange(S + 5 * H, False)], None, S, E)
    a = sla.sla_ok_percent(problems, first, S, E)
    assert a.counted == E - S - 5 * H and a.percent == Decimal("100.0000")


def test_no_result_at_all_is_no_figure():
    problems, first = sla.problem_intervals([], None, S, E)
    assert sla.sla_ok_percent(problems, first, S, E).percent is None


def test_downtime_counts_as_available_and_no_data_is_excluded():
    problems = [(S, S + 4 * H)]
    a = sla.sla_ok_percent(
        problems, S, S, S + 10 * H, downtimes=[(S, S + H)], no_data=[(S + H, S + 2 * H)]
    )
    # counted: 10 h - 1 h without data; problem: 4 h - 1 h downtime - 1 h no data = 2 h.
    assert a.counted == 9 * H and a.problem == 2 * H and a.no_data == H


intervals = st.lists(
    st.tuples(st.integers(0, 240), st.integers(1, 48)).map(
        lambda p: (S + p[0] * H, S + (p[0] + p[1]) * H)
    ),
    max_size=6,
)


@given(intervals, intervals, intervals)
def test_percent_is_bounded_and_downtime_never_lowers_it(problems, downtimes, blind):
    plain = sla.sla_ok_percent(problems, S, S, E, no_data=blind)
    with_downtime = sla.sla_ok_percent(problems, S, S, E, downtimes=downtimes, no_data=blind)
    for a in (plain, with_downtime):
        assert a.problem <= a.counted
        assert a.percent is None or Decimal(0) <= a.percent <= Decimal(100)
    if plain.percent is not None:
        assert with_downtime.percent >= plain.percent


MARCH = date(2026, 3, 1)
MARCH_START = datetime(2026, 2, 28, 23, 0, tzinfo=UTC)  # midnight in Paris
APRIL_START = datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # after the DST change


def keep_monitor_alive(start, end):
    MonitorHeartbeat.objects.create(started_at=start, last_beat_at=end)


@pytest.mark.django_db
def test_server_month_uses_hard_states_of_ping_and_http_and_warning_is_available():
    world = monitoring_world(MARCH_START, subscribed=True, high_availability=True)
    keep_monitor_alive(MARCH_START, APRIL_START)
    ping, http, smtp = world.service("Ping"), world.service("HTTP"), world.service("SMTP")
    feed(ping, [State.OK], MARCH_START)
    feed(smtp, [State.OK], MARCH_START)
    # HTTP: hard CRITICAL for 10 hours (hard at the third result), then WARNING.
    feed(http, [State.OK], MARCH_START)
    t = MARCH_START + timedelta(days=3)
    last = feed(http, [State.CRITICAL] * 3, t)
    feed(http, [State.WARNING] * 3, last + timedelta(hours=10))
    # SMTP down a whole day: a service outside the critical ones does not make the server down.
    feed(smtp, [State.CRITICAL] * 3 + [State.OK], t, step=timedelta(hours=8))
    now = APRIL_START + timedelta(hours=1)
    result = server_availability(world.server, MARCH, now)
    month = APRIL_START - MARCH_START
    assert result.availability.problem == timedelta(hours=10)
    expected = (
        Decimal(100)
        * Decimal((month - timedelta(hours=10)).total_seconds())
        / Decimal(month.total_seconds())
    ).quantize(Decimal("0.0001"))
    assert result.availability.percent == expected  # 98.6559... -> 25 % credit tier
    smtp_month = service_availability(smtp, MARCH_START, APRIL_START, now)
    assert smtp_month.problem == timedelta(hours=8)

    report = close_month(world.server, MARCH, now)
    assert report.percent == expected and report.credit_amount == Decimal("25.00")
    credit = SlaCredit.objects.get()
    assert (
        credit.amount == Decimal("25.00")
        and credit.source_key == f"monitoring:ha:{world.server.pk}:2026-03"
    )
    assert credit.month == MARCH and "14" in credit.clause
    # Idempotent: the job and a second close change nothing.
    close_month(world.server, MARCH, now + H)
    assert close_previous_months(now + 2 * H) == 0
    assert SlaCredit.objects.count() == 1 and AvailabilityReport.objects.count() == 1


@pytest.mark.django_db
def test_a_monitor_outage_is_no_data_neither_down_nor_up():
    world = monitoring_world(MARCH_START, subscribed=True, high_availability=True)
    ping = world.service("Ping")
    feed(ping, [State.OK], MARCH_START)
    gap_start, gap_end = MARCH_START + timedelta(days=10), MARCH_START + timedelta(days=12)
    keep_monitor_alive(MARCH_START, gap_start)
    keep_monitor_alive(gap_end, APRIL_START)
    # The host went down during the monitor outage: that time is not counted.
    feed(ping, [State.CRITICAL] * 3, gap_start + timedelta(hours=1), step=timedelta(seconds=1))
    feed(ping, [State.OK], gap_end)
    result = server_availability(world.server, MARCH, APRIL_START + H)
    assert result.availability.no_data > timedelta(days=1, hours=23)
    assert result.availability.problem == timedelta(0)
    assert result.availability.percent == Decimal("100.0000")
    report = close_month(world.server, MARCH, APRIL_START + H)
    assert report.credit_amount == 0 and report.no_data_seconds > 0
    assert not SlaCredit.objects.exists()


@pytest.mark.django_db
def test_downtime_counts_as_available_for_the_server():
    world = monitoring_world(MARCH_START)
    keep_monitor_alive(MARCH_START, APRIL_START)
    ping = world.service("Ping")
    feed(ping, [State.OK], MARCH_START)
    t = MARCH_START + timedelta(days=5)
    schedule_downtime(
        world.server, starts_at=t, ends_at=t + 2 * H, reason="maintenance", now=MARCH_START
    )
    feed(
        ping,
        [State.CRITICAL, State.CRITICAL, State.CRITICAL, State.OK],
        t,
        step=timedelta(minutes=30),
    )
    result = server_availability(world.server, MARCH, APRIL_START)
    assert result.availability.problem == timedelta(0)


@pytest.mark.django_db
def test_heartbeat_extends_a_run_and_starts_a_new_one_after_a_gap():
    first = beat(S)
    assert beat(S + timedelta(seconds=30)).pk == first.pk
    second = beat(S + timedelta(minutes=10))
    assert second.pk != first.pk and MonitorHeartbeat.objects.count() == 2


@pytest.mark.django_db
def test_the_fleet_computation_gives_each_services_own_figures():
    from clausier.monitoring.services.availability import fleet_availability

    world = monitoring_world(MARCH_START - timedelta(days=40), subscribed=True)
    feb = date(2026, 2, 1)
    keep_monitor_alive(MARCH_START - timedelta(days=40), MARCH_START + timedelta(days=5))
    keep_monitor_alive(MARCH_START + timedelta(days=6), APRIL_START + timedelta(days=20))
    ping, http, smtp = world.service("Ping"), world.service("HTTP"), world.service("SMTP")
    feed(ping, [State.OK], MARCH_START - timedelta(days=20))
    feed(http, [State.OK], MARCH_START - timedelta(days=3))
    # HTTP down from February into March (state before the month), up, down again in April.
    last = feed(http, [State.CRITICAL] * 3, MARCH_START - timedelta(hours=5))
    feed(http, [State.OK], last + timedelta(hours=12))
    feed(http, [State.CRITICAL] * 3, APRIL_START + timedelta(days=2))
    feed(smtp, [State.WARNING] * 3 + [State.CRITICAL] * 3, MARCH_START + timedelta(days=9))
    schedule_downtime(
        world.server,
        starts_at=MARCH_START + timedelta(days=9, hours=1),
        ends_at=MARCH_START + timedelta(days=9, hours=5),
        reason="maintenance",
        now=MARCH_START,
    )
    now = APRIL_START + timedelta(days=10)
    months = [feb, MARCH, date(2026, 4, 1)]
    fleet = fleet_availability(None, months, now)
    checked = 0
    for service in world.server.services.filter(enabled=True):
        for month in months:
            start, end = month_window(month, world.server)
            alone = service_availability(service, start, end, now)
            assert fleet[service.pk, month] == alone, (service.name, month)
            checked += alone.percent is not None
    assert checked >= 7  # Ping 3 months, HTTP 3, SMTP March and April
    assert fleet[http.pk, MARCH].problem > timedelta(hours=6)
