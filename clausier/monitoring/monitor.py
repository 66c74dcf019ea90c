"""The monitor: an asyncio loop that runs due checks with the probe engine and records
each result through the state machine (`services.results.record_result`).

Two ticks a second: beat the heartbeat, pick the enabled services whose `next_check_at`
has come (first checks are spread over the interval by `inventory.first_check_at`, the
next ones follow from each result, so the load stays spread), start their probes on the
`Runner`, and record every result as it completes, each in its own transaction. The
database work runs on one dedicated thread (the ORM is synchronous; one thread keeps
SQLite writes serial); the probes never wait for it.

SIGTERM / stop(): no new checks; probes in flight are cancelled and their services stay
due, so the next start checks them again (nothing recorded twice, nothing lost).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any, TypeVar

from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from clausier.monitoring.models import MonitoredService
from clausier.monitoring.services.inventory import credentials, probe_for
from clausier.monitoring.services.operations import beat
from clausier.monitoring.services.results import Observation, record_result
from clausier.probes.base import Probe
from clausier.probes.result import Result, State
from clausier.probes.runner import Runner, RunnerLimits

log = logging.getLogger(__name__)
T = TypeVar("T")


def due_probes(
    now: datetime, exclude: set[int], limit: int
) -> list[tuple[int, datetime | None, Probe]]:
    """(service id, when it was due, probe) for the services due at `now`."""
    services = (
        MonitoredService.objects.filter(enabled=True, server__active=True, next_check_at__lte=now)
        .exclude(pk__in=exclude)
        .select_related("server")
        .order_by("next_check_at")[:limit]
    )
    out = []
    creds_by_server: dict[int, Any] = {}
    for service in services:
        creds = creds_by_server.get(service.server_id)
        if creds is None:
            creds = creds_by_server[service.server_id] = credentials(service.server)
        try:
            probe = probe_for(service, creds)
        except (TypeError, ValueError) as exc:
            # A service whose parameters no longer build a probe: UNKNOWN, never a crash.
            record_result(
                service.pk,
                Observation(State.UNKNOWN, f"UNKNOWN - invalid check parameters: {exc}"),
                now,
            )
            continue
        out.append((service.pk, service.next_check_at, probe))
    return out


def observation(result: Result, scheduled_at: datetime | None) -> Observation:
    perfdata = " ".join(str(p) for p in result.perfdata)
    return Observation(
        state=result.state,
        output=result.summary,
        perfdata=perfdata,
        duration=result.duration,
        at=result.timestamp,
        scheduled_at=scheduled_at,
    )


class Monitor:
    def __init__(
        self,
        *,
        tick: float = 0.5,
        batch: int = 2000,
        limits: RunnerLimits | None = None,
        node: str = "",
        clock: Callable[[], datetime] = timezone.now,
    ) -> None:
        self.tick = tick
        self.batch = batch
        self.limits = limits or RunnerLimits()
        self.node = node or f"{socket.gethostname()}:{os.getpid()}"
        self.clock = clock
        self.in_flight: set[int] = set()
        self.recorded = 0
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clausier-monitor-db")
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        def call() -> T:
            # One long-lived connection on the DB thread (reopening it per result cost more
            # than the result itself); a broken one is dropped and reopened next call.
            try:
                return function(*args)
            except (OperationalError, InterfaceError):
                connection.close()
                raise

        return await asyncio.get_running_loop().run_in_executor(self._db, call)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        runner = Runner(self.limits)
        try:
            while not self._stop.is_set():
                await self.tick_once(runner)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.tick)
        finally:
            for task in list(self._tasks):
                task.cancel()
            if self._tasks:
                await asyncio.gather(*self._tasks, return_exceptions=True)
            # Results not recorded yet are dropped: their services are still due, so the
            # next start checks them again (nothing recorded twice).
            self._db.shutdown(wait=True, cancel_futures=True)

    async def tick_once(self, runner: Runner) -> int:
        now = self.clock()
        try:
            await self.db(beat, now, self.node)
            due = await self.db(due_probes, now, set(self.in_flight), self.batch)
        except Exception:
            log.exception("monitor tick failed")
            return 0
        for service_id, scheduled_at, probe in due:
            self.in_flight.add(service_id)
            task = asyncio.create_task(self._check(runner, service_id, scheduled_at, probe))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return len(due)

    async def _check(
        self, runner: Runner, service_id: int, scheduled_at: datetime | None, probe: Probe
    ) -> None:
        try:
            result = await runner.run_one(probe)
            await self.db(
                record_result, service_id, observation(result, scheduled_at), self.clock()
            )
            self.recorded += 1
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("recording a result of service %s failed", service_id)
        finally:
            self.in_flight.discard(service_id)

    async def drain(self) -> None:
        """Wait for every check started so far (tests, `check_now`)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


def check_now(now: datetime | None = None, limits: RunnerLimits | None = None) -> int:
    """One round, synchronously: every due service checked and recorded (tests, demo)."""

    async def round_() -> int:
        monitor = Monitor(limits=limits, clock=(lambda: now) if now else timezone.now)
        try:
            started = await monitor.tick_once(Runner(monitor.limits))
            await monitor.drain()
        finally:
            monitor._db.shutdown(wait=True)
        return started

    return asyncio.run(round_())


class MonitorThread(threading.Thread):
    """The monitor inside `clausier run` (the embedded default), on its own event loop."""

    def __init__(self) -> None:
        super().__init__(name="clausier-monitor", daemon=True)
        self.monitor: Monitor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self.monitor = Monitor()
        try:
            self._loop.run_until_complete(self.monitor.run())
        finally:
            self._loop.close()

    def stop(self) -> None:
        if self._loop is not None and self.monitor is not None:
            self._loop.call_soon_threadsafe(self.monitor.stop)
        self.join(timeout=15)


def start_embedded() -> MonitorThread:
    thread = MonitorThread()
    thread.start()
    return thread
