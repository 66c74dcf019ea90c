"""The monitor's loop on loopback TCP ports: due services are checked, results recorded,
the heartbeat written; the watchdog warns when it stops."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.monitoring.models import CheckResult, MonitoredService, MonitorHeartbeat
from clausier.monitoring.monitor import Monitor, check_now
from clausier.monitoring.services.inventory import add_service
from clausier.monitoring.services.operations import WATCHDOG_AFTER, watchdog
from clausier.notify.models import OutboxMessage
from tests.monitoring.helpers import monitoring_world


@pytest.fixture
def listening_port():
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    yield sock.getsockname()[1]
    sock.close()


def tcp_world(port):
    now = timezone.now()
    world = monitoring_world(now - timedelta(minutes=1))
    world.server.services.update(enabled=False)
    up = add_service(
        world.server, name="open", kind="tcp", params={"port": port}, now=now, max_check_attempts=1
    )
    down = add_service(
        world.server, name="closed", kind="tcp", params={"port": 1}, now=now, max_check_attempts=1
    )
    MonitoredService.objects.filter(pk__in=[up.pk, down.pk]).update(next_check_at=now)
    return world, up, down


@pytest.mark.django_db(transaction=True)
def test_a_round_checks_due_services_and_reschedules_them(listening_port):
    _world, up, down = tcp_world(listening_port)
    assert check_now() == 2
    up.refresh_from_db()
    down.refresh_from_db()
    assert up.state == 0 and down.state == 2 and "refused" in down.output.lower()
    assert up.next_check_at > timezone.now() + timedelta(seconds=up.check_interval - 5)
    assert check_now() == 0  # nothing due any more
    assert CheckResult.objects.count() == 2
    assert MonitorHeartbeat.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_loop_runs_until_stopped(listening_port):
    tcp_world(listening_port)

    async def main():
        monitor = Monitor(tick=0.05)
        task = asyncio.create_task(monitor.run())
        for _ in range(100):
            await asyncio.sleep(0.05)
            if monitor.recorded >= 2:
                break
        monitor.stop()
        await task
        return monitor.recorded

    assert asyncio.run(main()) == 2
    assert MonitorHeartbeat.objects.get().last_beat_at >= MonitorHeartbeat.objects.get().started_at


@pytest.mark.django_db
def test_the_watchdog_tells_the_provider_once_when_the_monitor_stops():
    now = timezone.now()
    world = monitoring_world(now - timedelta(hours=1))
    MonitorHeartbeat.objects.create(
        started_at=now - timedelta(hours=1), last_beat_at=now - timedelta(minutes=1)
    )
    assert watchdog(now) == 0
    later = now + WATCHDOG_AFTER
    assert watchdog(later) == 1
    watchdog(later + timedelta(minutes=1))
    mails = OutboxMessage.objects.filter(template="monitoring_watchdog")
    assert [m.to_email for m in mails] == [world.provider.support_email]


@pytest.mark.django_db(transaction=True)
def test_a_monitor_whose_checks_stopped_moving_withholds_its_heartbeat():
    # E.g. a scheduler whose Celery workers are all gone: the process lives, no result
    # comes; its silence must reach the watchdog instead of a heartbeat saying "fine".
    async def main(stalled: bool) -> None:
        monitor = Monitor(beat_every=0.01)
        if stalled:
            monitor._progress -= 120
        writer = asyncio.create_task(monitor._write_loop())
        await asyncio.sleep(0.3)
        writer.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await writer
        monitor._shutdown()

    asyncio.run(main(stalled=True))
    assert not MonitorHeartbeat.objects.exists()
    asyncio.run(main(stalled=False))
    assert MonitorHeartbeat.objects.count() == 1


def test_probe_batches_cover_a_quarter_second_of_due_times():
    from clausier.monitoring.scaleout import CeleryDispatch

    t0 = timezone.now()
    due = [(i, t0 + timedelta(seconds=i * 0.1)) for i in range(10)]  # 0.0 .. 0.9 s
    batches = list(CeleryDispatch(batch_size=2, timeout=5).chunks(due))
    assert [[i for i, _ in b] for b in batches] == [[0, 1], [2, 3], [4, 5], [6, 7], [8, 9]]
    batches = list(CeleryDispatch(batch_size=100, timeout=5).chunks(due))
    assert [[i for i, _ in b] for b in batches] == [[0, 1, 2], [3, 4, 5], [6, 7, 8], [9]]


def test_overdue_checks_fill_whole_batches():
    # Checks given up or left behind are all due now: they go in full batches, not one
    # small batch per quarter second of their old due times.
    from clausier.monitoring.scaleout import CeleryDispatch

    now = timezone.now()
    overdue = [(i, now - timedelta(seconds=10 - i * 0.5)) for i in range(10)]
    upcoming = [(10, now + timedelta(seconds=1)), (11, now + timedelta(seconds=1.1))]
    batches = list(CeleryDispatch(batch_size=4, timeout=5).chunks(overdue + upcoming, now))
    assert [[i for i, _ in b] for b in batches] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], [10, 11]]
    # The batches keep each check's own scheduled time (the staleness rule reads it).
    assert batches[0][0][1] == overdue[0][1]


def test_batches_in_flight_follow_an_aimd_window():
    from clausier.monitoring.scaleout import INITIAL_WINDOW, CeleryDispatch

    dispatch = CeleryDispatch(batch_size=8, timeout=5, max_in_flight=6)
    assert dispatch.free_slots() == INITIAL_WINDOW == 4
    for _ in range(4):
        dispatch.claim()
    assert dispatch.free_slots() == 0  # a full window sends nothing more
    dispatch.release()
    dispatch._returned()  # a batch back in time: one more slot, up to the ceiling
    assert dispatch.window == 5 and dispatch.free_slots() == 2
    dispatch._returned()
    dispatch._returned()
    assert dispatch.window == 6  # the ceiling (MONITOR_BATCHES_IN_FLIGHT)
    dispatch.release()
    dispatch._given_up()  # a batch given up: the window halves
    assert dispatch.window == 3 and dispatch.in_flight == 2 and dispatch.free_slots() == 1
    for _ in range(5):
        dispatch._given_up()
    assert dispatch.window == 1  # never below one batch
