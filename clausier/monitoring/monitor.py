"""The monitor: an asyncio loop that runs due checks with the probe engine and records
their results through the state machine (`services.results.record_results`).

Two ticks a second, the scheduler reads the enabled services whose `next_check_at`
falls before `now + lookahead` (first checks are spread over the interval by
`inventory.first_check_at`, the next ones follow from each result, so the load stays
spread) and starts each check **at its due time** (an asyncio timer, not the next tick:
the schedule lateness is the event loop's, a few milliseconds, not the tick's).

Probes run on the `Runner` in this process, or — with `CELERY_BROKER_URL` set — in
batches on Celery workers (`clausier worker`, `scaleout.py`), whose results come back
here: the scheduler alone writes the state, so the state machine runs in one place.

Results are written by one writer thread in **batches**, one transaction each
(`record_results`: a few queries per batch plus one insert and one update per result),
gathered for `flush_every` seconds; the due-service reads run on a thread of their own,
so a large write never delays a check. A kill loses at most the results not committed
yet (their services are still due and are checked again) and duplicates none (a result
not newer than the service's last check, or scheduled before it, is ignored).

On PostgreSQL, one scheduler is the leader (advisory lock, `leader.py`); the others wait
as standbys and take over when the leader's session ends.

SIGTERM / stop(): no new checks; probes in flight are cancelled and their services stay
due; results already in hand are written before the monitor exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import socket
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import InterfaceError, OperationalError, connection
from django.utils import timezone

from clausier.monitoring.models import MonitoredService
from clausier.monitoring.probing import Due, at_due_time, build_probes
from clausier.monitoring.services.operations import beat
from clausier.monitoring.services.results import Observation, record_result, record_results
from clausier.monitoring.statemachine import spread_offset
from clausier.probes.base import Probe
from clausier.probes.result import Result, State
from clausier.probes.runner import Runner, RunnerLimits

if TYPE_CHECKING:
    from clausier.monitoring.leader import LeaderLock
    from clausier.monitoring.scaleout import CeleryDispatch

log = logging.getLogger(__name__)
T = TypeVar("T")


def _due_services(until: datetime, exclude: set[int], limit: int) -> Any:
    return (
        MonitoredService.objects.filter(enabled=True, server__active=True, next_check_at__lte=until)
        .exclude(pk__in=exclude)
        .order_by("next_check_at")[:limit]
    )


def due_probes(until: datetime, exclude: set[int], limit: int) -> list[Due]:
    """The services due by `until` with their probes, soonest first."""
    return build_probes(list(_due_services(until, exclude, limit).select_related("server")))


def due_ids(until: datetime, exclude: set[int], limit: int) -> list[tuple[int, datetime | None]]:
    """The services due by `until`, soonest first (scale-out: workers build the probes)."""
    return list(_due_services(until, exclude, limit).values_list("pk", "next_check_at"))


# Checks found overdue when a scheduler starts (after a stop, a failover, a long setup)
# are spread rather than all started at once: at most this many per second, within
# min(their interval, 60 s) as Icinga 2 does (Checkable::Start).
STARTUP_RATE = 200.0
# No result written for this long while checks are due: the heartbeat stops (the
# watchdog warns after operations.WATCHDOG_AFTER, availability shows "no data").
STALLED_AFTER = 60.0


def spread_overdue(now: datetime) -> int:
    """Reschedule the overdue checks over a short window: no thundering herd at start."""
    rows = list(
        MonitoredService.objects.filter(
            enabled=True, server__active=True, next_check_at__lt=now
        ).only("pk", "check_interval", "retry_interval", "state", "state_type")
    )
    if not rows:
        return 0
    window = len(rows) / STARTUP_RATE
    for row in rows:
        soft_problem = row.state != int(State.OK) and row.state_type == "soft"
        interval = row.retry_interval if soft_problem else row.check_interval
        spread = timedelta(seconds=min(window, interval, 60.0))
        row.next_check_at = now + spread_offset(row.pk, spread)
    MonitoredService.objects.bulk_update(rows, ["next_check_at"], batch_size=1000)
    return len(rows)


def invalid(reason: str) -> Observation:
    return Observation(State.UNKNOWN, f"UNKNOWN - invalid check parameters: {reason}")


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


def _shared_memory_sqlite() -> bool:
    # The tests' in-memory SQLite is shared between threads through SQLite's shared
    # cache, whose table locks do not wait: one thread for all database work there.
    return connection.vendor == "sqlite" and bool(
        getattr(connection, "is_in_memory_db", lambda: False)()
    )


class Monitor:
    def __init__(
        self,
        *,
        tick: float = 0.5,
        batch: int = 5000,
        lookahead: float = 1.0,
        flush_every: float = 0.2,
        write_batch: int = 500,
        beat_every: float = 5.0,
        limits: RunnerLimits | None = None,
        node: str = "",
        clock: Callable[[], datetime] = timezone.now,
        dispatch: CeleryDispatch | None = None,
        leader: LeaderLock | None = None,
        standby_poll: float = 1.0,
    ) -> None:
        self.tick = tick
        self.batch = batch
        self.lookahead = lookahead
        self.flush_every = flush_every
        self.write_batch = write_batch
        self.beat_every = beat_every
        self.limits = limits or RunnerLimits()
        self.node = node or f"{socket.gethostname()}:{os.getpid()}"
        self.clock = clock
        self.dispatch = dispatch
        self.leader = leader
        self.standby_poll = standby_poll
        self.in_flight: set[int] = set()
        self.recorded = 0
        self.on_leader: Callable[[bool], None] | None = None
        self._writer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clausier-monitor-w")
        self._reader = (
            self._writer
            if _shared_memory_sqlite()
            else ThreadPoolExecutor(max_workers=1, thread_name_prefix="clausier-monitor-r")
        )
        self._pending: list[tuple[int, Observation]] = []
        self._has_pending = asyncio.Event()
        self._stop = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self._last_beat = float("-inf")
        # When checks last moved (a batch written, or nothing due): the heartbeat says
        # "results are flowing", not merely "the process lives" — a scheduler whose
        # Celery workers are all gone stops beating, and the watchdog tells the provider.
        self._progress = time.monotonic()

    async def _db(self, executor: ThreadPoolExecutor, function: Callable[..., T], *args: Any) -> T:
        def call() -> T:
            # One long-lived connection per thread (reopening it per result cost more than
            # the result itself); a broken one is dropped and reopened next call.
            try:
                return function(*args)
            except (OperationalError, InterfaceError):
                connection.close()
                raise

        return await asyncio.get_running_loop().run_in_executor(executor, call)

    async def db(self, function: Callable[..., T], *args: Any) -> T:
        """Database work on the writer thread."""
        return await self._db(self._writer, function, *args)

    def stop(self) -> None:
        self._stop.set()

    async def run(self) -> None:
        runner = Runner(self.limits)
        writer = asyncio.create_task(self._write_loop())
        spread = False
        try:
            while not self._stop.is_set():
                if self.leader is not None and not await self._lead():
                    spread = False
                    continue
                if not spread:
                    spread = await self._spread_overdue()
                await self.tick_once(runner)
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._stop.wait(), self.tick)
        finally:
            await self._cancel_checks()
            writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await writer
            # Results already in hand are written; probes cut short are not (their
            # services are still due, so the next start checks them again).
            with contextlib.suppress(Exception):
                await self._flush_all()
            if self.leader is not None:
                await asyncio.get_running_loop().run_in_executor(self._reader, self.leader.release)
            self._shutdown()

    async def _spread_overdue(self) -> bool:
        try:
            await self.db(spread_overdue, self.clock())
        except Exception:
            log.exception("spreading the overdue checks failed")
            return False
        return True

    async def _lead(self) -> bool:
        """True while this monitor leads; a standby waits and asks again."""
        assert self.leader is not None
        was = self.leader.held
        held = await asyncio.get_running_loop().run_in_executor(
            self._reader, self.leader.try_acquire
        )
        if held != was:
            log.warning("monitor %s: %s", self.node, "leader" if held else "standby")
            if not held:
                # Another scheduler may lead now: stop our checks, drop their results.
                await self._cancel_checks()
                self._pending.clear()
                self.in_flight.clear()
            if self.on_leader is not None:
                self.on_leader(held)
        if not held:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.standby_poll)
        return held

    async def _cancel_checks(self) -> None:
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)

    def _shutdown(self) -> None:
        self._writer.shutdown(wait=True, cancel_futures=True)
        if self._reader is not self._writer:
            self._reader.shutdown(wait=True, cancel_futures=True)

    def _spawn(self, coroutine: Any) -> None:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def tick_once(self, runner: Runner, lookahead: float | None = None) -> int:
        until = self.clock() + timedelta(seconds=self.lookahead if lookahead is None else lookahead)
        exclude = set(self.in_flight)
        try:
            if self.dispatch is not None:
                return await self._dispatch_due(until, exclude)
            due = await self._db(self._reader, due_probes, until, exclude, self.batch)
        except Exception:
            log.exception("monitor tick failed")
            return 0
        if not due and not self.in_flight:
            self._progress = time.monotonic()  # nothing to do is progress too
        for service_id, scheduled_at, probe, reason in due:
            self.in_flight.add(service_id)
            if probe is None:
                self.submit(service_id, invalid(reason))
            else:
                self._spawn(self._check(runner, service_id, scheduled_at, probe))
        return len(due)

    async def _dispatch_due(self, until: datetime, exclude: set[int]) -> int:
        """Send the due checks as Celery batches, as many as the dispatch's window lets
        through; the others stay due in the database (not in flight) and go, overdue and
        so in whole batches, when batches come back."""
        assert self.dispatch is not None
        free = self.dispatch.free_slots()
        if free == 0:
            return 0
        limit = min(self.batch, free * self.dispatch.batch_size)
        ids = await self._db(self._reader, due_ids, until, exclude, limit)
        if not ids and not self.in_flight:
            self._progress = time.monotonic()
        sent = 0
        for chunk in itertools.islice(self.dispatch.chunks(ids, self.clock()), free):
            self.dispatch.claim()
            self.in_flight.update(service_id for service_id, _ in chunk)
            self._spawn(self._remote(chunk))
            sent += len(chunk)
        return sent

    def submit(self, service_id: int, result: Observation) -> None:
        """A result to write (the writer thread takes it within `flush_every`)."""
        self._pending.append((service_id, result))
        self._has_pending.set()

    async def _check(
        self,
        runner: Runner,
        service_id: int,
        scheduled_at: datetime | None,
        probe: Probe,
        wait: bool = True,
    ) -> None:
        try:
            if wait:
                await at_due_time(scheduled_at)
            result = await runner.run_one(probe)
        except asyncio.CancelledError:
            self.in_flight.discard(service_id)
            raise
        except Exception:
            log.exception("checking service %s failed", service_id)
            self.in_flight.discard(service_id)
            return
        self.submit(service_id, observation(result, scheduled_at))

    async def _remote(self, chunk: list[tuple[int, datetime | None]]) -> None:
        """A batch on a Celery worker; when it does not come back in time (a worker
        killed mid-batch), its services are released: still due, they are dispatched
        again at the next tick (none lost)."""
        assert self.dispatch is not None
        ids = [service_id for service_id, _ in chunk]
        try:
            try:
                await at_due_time(chunk[0][1])
            except asyncio.CancelledError:
                self.dispatch.release()
                raise
            results = await self.dispatch.run(chunk)
        except asyncio.CancelledError:
            self.in_flight.difference_update(ids)
            raise
        except Exception as exc:
            log.warning("probe batch of %d checks lost (%s): rescheduled", len(ids), exc)
            self.in_flight.difference_update(ids)
            return
        returned = set()
        for service_id, result in results:
            returned.add(service_id)
            self.submit(service_id, result)
        self.in_flight.difference_update(set(ids) - returned)

    async def _write_loop(self) -> None:
        while True:
            stalled = time.monotonic() - self._progress > STALLED_AFTER
            if stalled:
                log.error(
                    "monitor %s: no result for %.0f s: heartbeat withheld",
                    self.node,
                    time.monotonic() - self._progress,
                )
            elif time.monotonic() - self._last_beat >= self.beat_every:
                try:
                    await self.db(beat, self.clock(), self.node)
                    self._last_beat = time.monotonic()
                except Exception:
                    log.exception("monitor heartbeat failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._has_pending.wait(), self.beat_every)
            if self._pending:
                # Gather what comes in the next moment: one transaction for all of it.
                await asyncio.sleep(self.flush_every)
                await self._flush_all()

    async def _flush_all(self) -> None:
        while self._pending:
            items = self._pending[: self.write_batch]
            del self._pending[: self.write_batch]
            if not self._pending:
                self._has_pending.clear()
            await self._write(items)

    async def _write(self, items: list[tuple[int, Observation]]) -> None:
        try:
            try:
                await self.db(record_results, items, self.clock())
                self.recorded += len(items)
                self._progress = time.monotonic()
            except Exception:
                log.exception("recording a batch of %d results failed: one by one", len(items))
                for service_id, result in items:
                    try:
                        await self.db(record_result, service_id, result, self.clock())
                        self.recorded += 1
                    except Exception:
                        log.exception("recording a result of service %s failed", service_id)
        finally:
            self.in_flight.difference_update(service_id for service_id, _ in items)

    async def drain(self) -> None:
        """Wait for every check started so far and write its result (tests, `check_now`)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._flush_all()


def check_now(now: datetime | None = None, limits: RunnerLimits | None = None) -> int:
    """One round, synchronously: every service due at `now` checked and recorded (tests,
    demo), at once (no waiting for due times)."""

    async def round_() -> int:
        monitor = Monitor(limits=limits, clock=(lambda: now) if now else timezone.now)
        try:
            runner = Runner(monitor.limits)
            until = monitor.clock()
            await monitor.db(beat, until, monitor.node)
            due = await monitor._db(monitor._reader, due_probes, until, set(), monitor.batch)
            for service_id, scheduled_at, probe, reason in due:
                if probe is None:
                    monitor.submit(service_id, invalid(reason))
                else:
                    # Due at `now` (a test's clock may not be the wall clock): run at once.
                    check = monitor._check(runner, service_id, scheduled_at, probe, wait=False)
                    monitor._spawn(check)
            await monitor.drain()
        finally:
            monitor._shutdown()
        return len(due)

    return asyncio.run(round_())


def configured_monitor(**options: Any) -> Monitor:
    """The monitor as the settings ask for it: Celery workers when a broker is set, a
    leader election on PostgreSQL."""
    from django.conf import settings  # noqa: PLC0415

    from clausier.monitoring.leader import LeaderLock, election_needed  # noqa: PLC0415

    dispatch = None
    if settings.CELERY_BROKER_URL:
        from clausier.monitoring.scaleout import CeleryDispatch  # noqa: PLC0415

        dispatch = CeleryDispatch()
    leader = LeaderLock() if election_needed() else None
    return Monitor(dispatch=dispatch, leader=leader, **options)


class MonitorThread(threading.Thread):
    """The monitor inside `clausier run` (the embedded default), on its own event loop."""

    def __init__(self) -> None:
        super().__init__(name="clausier-monitor", daemon=True)
        self.monitor: Monitor | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    def run(self) -> None:
        self._loop = asyncio.new_event_loop()
        self.monitor = configured_monitor()
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
