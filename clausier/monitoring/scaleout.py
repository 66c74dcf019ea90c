"""Scale-out: probe batches on Celery workers, results back to the scheduler.

With `CELERY_BROKER_URL` set (RabbitMQ `amqp://` or Redis `redis://`), `clausier monitor`
(the scheduler, `monitor.Monitor`) no longer runs the probes itself: each tick it sends
the services falling due, in chunks of at most `MONITOR_BATCH_SIZE` checks due within
a quarter of a second, each sent at its first check's due time, as the task
`clausier.monitoring.run_checks` to the queue `MONITOR_CELERY_QUEUE`. A worker
(`clausier worker -Q <queue>`) reads those services' definitions and credentials from the
database (read only: credentials stay encrypted at rest and never cross the broker),
waits for each check's due time, runs the probes on its own `Runner`, and returns the
results. The scheduler writes them through `record_results`: the state machine, the
history and the alerts stay in one process, one place.

A batch that does not come back within `MONITOR_BATCH_TIMEOUT` seconds (a worker killed
mid-batch, a broker outage) is given up: its services were never recorded, so they are
still due and go out again at the next tick. The task expires after the same time (a
late copy is not run), is acknowledged late and requeued when its worker is lost; a copy
that runs anyway is recorded at most once (`record_results` ignores a result scheduled
before the service's last check).

Flow control: at most a window of batches is in flight (AIMD: +1 per batch back in
time, halved when one is given up, up to `MONITOR_BATCHES_IN_FLIGHT`); due checks
beyond it stay due in the database and go, overdue and so in whole batches, when batches
come back. Without it a worker lost mid-round left the survivors a queue of batches that
expired before they ran and were sent again behind their expired copies (docs/
monitoring.md, "Flow control").

Results come back through the result backend: `CELERY_RESULT_BACKEND` when set,
otherwise the broker itself for Redis and `rpc://` (reply queues) for RabbitMQ (the
settings' default, read by the scheduler and the workers alike). One
thread publishes and one waits (Celery's result API blocks, and is not thread-safe
with every backend); batches complete in schedule order, so one waiter keeps up.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import Any

from celery.backends.rpc import RPCBackend
from django.conf import settings
from django.db import close_old_connections

from clausier.celery import app
from clausier.monitoring.models import MonitoredService
from clausier.monitoring.probing import at_due_time, build_probes
from clausier.monitoring.services.results import Observation
from clausier.probes.result import State
from clausier.probes.runner import Runner

TASK = "clausier.monitoring.run_checks"
SPAN = 0.25  # seconds of due times one batch covers
INITIAL_WINDOW = 4  # batches in flight at first; grows by one per batch back in time
RPC_POLL = 0.02  # seconds between two looks at an rpc:// reply queue

Row = list[Any]  # [service id, scheduled ISO, state, output, perfdata, duration, at ISO]


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


class CeleryDispatch:
    """The scheduler's side: send a batch, wait for its results."""

    def __init__(
        self,
        celery: Any = None,
        *,
        queue: str | None = None,
        batch_size: int | None = None,
        timeout: float | None = None,
        max_in_flight: int | None = None,
    ) -> None:
        self.app = celery or app
        self.queue = queue or settings.MONITOR_CELERY_QUEUE
        self.batch_size = batch_size or settings.MONITOR_BATCH_SIZE
        self.timeout = float(timeout or settings.MONITOR_BATCH_TIMEOUT)
        self._publisher = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clausier-pub")
        self._waiter = ThreadPoolExecutor(max_workers=1, thread_name_prefix="clausier-wait")
        # Flow control: batches sent and not back yet, and how many may be (see `window`).
        self.in_flight = 0
        self.ceiling = max(1, int(max_in_flight or settings.MONITOR_BATCHES_IN_FLIGHT))
        self.window = float(min(INITIAL_WINDOW, self.ceiling))
        self._polls = isinstance(self.app.backend, RPCBackend)

    def free_slots(self) -> int:
        """How many more batches may be sent now. The window grows by one batch per batch
        back in time and halves when one is given up (TCP's AIMD): the queue never holds
        more than the workers can run within `timeout`, so a lost worker — whose share the
        survivors take over — makes the others busier, not the broker's queue a backlog of
        batches that expire before they run and are sent again (the RabbitMQ defect)."""
        return max(0, int(self.window) - self.in_flight)

    def _returned(self) -> None:
        self.window = min(float(self.ceiling), self.window + 1)

    def _given_up(self) -> None:
        self.window = max(1.0, self.window / 2)

    def chunks(
        self, due: Sequence[tuple[int, datetime | None]], now: datetime | None = None
    ) -> Iterator[list[tuple[int, datetime | None]]]:
        """The due checks (soonest first) in batches of at most `batch_size` checks due
        within `SPAN` seconds of the batch's first: the scheduler sends a batch at its
        first check's due time, and the worker is busy with it for the span at most (plus
        the probes), not for the scheduler's whole lookahead. Checks already overdue at
        `now` (a batch given up, a backlog) are all due now: they fill whole batches."""
        chunk: list[tuple[int, datetime | None]] = []
        first: datetime | None = None
        for service_id, scheduled in due:
            at = max(scheduled, now) if scheduled is not None and now is not None else scheduled
            late = at is not None and first is not None and (at - first).total_seconds() > SPAN
            if chunk and (len(chunk) >= self.batch_size or late):
                yield chunk
                chunk, first = [], None
            if not chunk:
                first = at
            chunk.append((service_id, scheduled))
        if chunk:
            yield chunk

    def _publish(self, payload: list[list[Any]]) -> Any:
        return self.app.send_task(
            TASK, args=[payload], queue=self.queue, expires=self.timeout, acks_late=True
        )

    def _wait(self, pending: Any) -> list[Row]:
        try:
            if self._polls:
                self._poll_until_ready(pending)
            return list(pending.get(timeout=self.timeout, propagate=True))
        finally:
            with contextlib.suppress(Exception):
                pending.forget()  # Redis: the result key goes now, not in a day

    def _poll_until_ready(self, pending: Any) -> None:
        """rpc:// only: `get()` drains the reply queue with a consumer whose read can block
        forever once a worker died mid-task (celery/celery#5034); `ready()` asks the queue
        with basic.get, which never blocks. Once ready the result is cached, so the
        caller's `get()` returns at once."""
        deadline = time.monotonic() + self.timeout
        while not pending.ready():
            if time.monotonic() >= deadline:
                raise TimeoutError(f"batch {pending.id} not back within {self.timeout:.0f} s")
            time.sleep(RPC_POLL)

    def claim(self) -> None:
        """Take a slot for a batch about to be sent (the caller checked `free_slots`)."""
        self.in_flight += 1

    def release(self) -> None:
        """Give a slot back unused (a batch cancelled before it was sent)."""
        self.in_flight -= 1

    async def run(
        self, chunk: Sequence[tuple[int, datetime | None]]
    ) -> list[tuple[int, Observation]]:
        """One batch (its slot taken by the caller with `claim`), its rows back; raises
        when it is given up (the window then shrinks)."""
        loop = asyncio.get_running_loop()
        payload = [[service_id, _iso(at)] for service_id, at in chunk]
        try:
            pending = await loop.run_in_executor(self._publisher, self._publish, payload)
            rows = await loop.run_in_executor(self._waiter, self._wait, pending)
        except asyncio.CancelledError:
            self.release()
            raise
        except Exception:
            self.release()
            self._given_up()
            raise
        self.release()
        self._returned()
        return [
            (
                int(row[0]),
                Observation(
                    state=State(int(row[2])),
                    output=str(row[3]),
                    perfdata=str(row[4]),
                    duration=float(row[5]),
                    at=_instant(row[6]),
                    scheduled_at=_instant(row[1]),
                ),
            )
            for row in rows
        ]


def run_checks(items: list[list[Any]]) -> list[Row]:
    """The worker's side: the batch's probes, each at its due time; one row per check."""
    scheduled = {int(service_id): _instant(at) for service_id, at in items}
    try:
        services = list(
            MonitoredService.objects.filter(pk__in=scheduled, enabled=True).select_related("server")
        )
        due = build_probes(services)
    finally:
        close_old_connections()

    async def batch() -> list[Row]:
        runner = Runner()

        async def one(service_id: int, probe: Any, reason: str) -> Row:
            at = scheduled.get(service_id)
            if probe is None:
                summary = f"UNKNOWN - invalid check parameters: {reason}"
                return [service_id, _iso(at), int(State.UNKNOWN), summary, "", 0.0, None]
            await at_due_time(at)
            result = await runner.run_one(probe)
            perfdata = " ".join(str(p) for p in result.perfdata)
            return [
                service_id,
                _iso(at),
                int(result.state),
                result.summary,
                perfdata,
                result.duration,
                _iso(result.timestamp),
            ]

        return list(
            await asyncio.gather(
                *(one(service_id, probe, why) for service_id, _, probe, why in due)
            )
        )

    return asyncio.run(batch())


@app.task(name=TASK, acks_late=True, reject_on_worker_lost=True)
def run_checks_task(items: list[list[Any]]) -> list[Row]:
    return run_checks(items)
