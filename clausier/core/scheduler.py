"""The embedded scheduler: periodic jobs in one background thread of `clausier run`.

`core` knows no app: each app registers its periodic jobs from its `AppConfig.ready()`
(`register(Job(...))`), and the scheduler runs whatever is registered. Each job is a
function of `now`, named by its dotted path: ready() runs in every process (each command,
each test worker) and must not import what only the scheduler needs (models, Celery,
WeasyPrint); the path is imported when the job first runs. A heavy job only dispatches
a Celery task, which runs inline when no broker is configured and on a worker when one is.

Jobs run in lanes: `clausier run` starts one thread per lane (`start_schedulers`), so a
slow job (the hourly reminders) never holds back a quick one in another lane (the outbox
delivery, lane "outbox"). `wake(name)` runs a job at once instead of at its next period:
notify wakes its delivery when a queued message commits, so an alert leaves within
milliseconds instead of up to a period later. Periods are measured on the monotonic
clock from each job's start, so a slow round does not push the schedule back.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import close_old_connections
from django.utils import timezone
from django.utils.module_loading import import_string

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    # A function of `now`, or its dotted path ("clausier.notify.services.deliver_due").
    target: Callable[[datetime], object] | str
    # Jobs of one lane run one after another in one thread; lanes run side by side.
    lane: str = "main"

    def run(self, now: datetime) -> object:
        function = import_string(self.target) if isinstance(self.target, str) else self.target
        return function(now)


_REGISTRY: dict[str, Job] = {}


def register(job: Job) -> Job:
    """Add `job` to what `clausier run` schedules; registering the same name again
    replaces it (ready() may run more than once, e.g. in tests)."""
    if job.every_seconds <= 0:
        raise ValueError(f"job {job.name!r}: every_seconds must be positive")
    if isinstance(job.target, str) and "." not in job.target:
        raise ValueError(f"job {job.name!r}: {job.target!r} is not a dotted path")
    _REGISTRY[job.name] = job
    return job


def registered_jobs() -> list[Job]:
    return list(_REGISTRY.values())


class Scheduler(threading.Thread):
    """Runs `jobs` (default: every registered job) one after another in one thread, each
    at its first tick and then every `every_seconds`, or at once when woken."""

    def __init__(self, jobs: list[Job] | None = None, tick: float = 0.5, lane: str = "") -> None:
        super().__init__(name=f"clausier-scheduler{'-' + lane if lane else ''}", daemon=True)
        self.jobs = jobs if jobs is not None else registered_jobs()
        self.tick = tick
        self.stopping = threading.Event()
        self._next: dict[str, float] = {}
        self._alarm = threading.Event()
        self._woken: set[str] = set()
        self._lock = threading.Lock()

    def run(self) -> None:
        with _RUNNING_LOCK:
            _RUNNING.add(self)
        try:
            while not self.stopping.is_set():
                self._alarm.wait(self.tick)
                self._alarm.clear()
                if self.stopping.is_set():
                    break
                with self._lock:
                    woken, self._woken = self._woken, set()
                for job in self.jobs:
                    started = time.monotonic()
                    if job.name not in woken and self._next.get(job.name, 0.0) > started:
                        continue
                    self._next[job.name] = started + job.every_seconds
                    try:
                        job.run(timezone.now())
                    except Exception:
                        # One failing job must not stop the others; the error is logged.
                        log.exception("scheduled job %r failed", job.name)
                    finally:
                        close_old_connections()
        finally:
            with _RUNNING_LOCK:
                _RUNNING.discard(self)

    def wake(self, name: str) -> None:
        if any(job.name == name for job in self.jobs):
            with self._lock:
                self._woken.add(name)
            self._alarm.set()

    def stop(self) -> None:
        self.stopping.set()
        self._alarm.set()


_RUNNING: weakref.WeakSet[Scheduler] = weakref.WeakSet()
_RUNNING_LOCK = threading.Lock()  # a scheduler starting while another thread wakes


def wake(name: str) -> None:
    """Run the job `name` now in this process's running schedulers (none: nothing happens,
    the job runs at its period wherever a scheduler runs)."""
    with _RUNNING_LOCK:
        running = list(_RUNNING)
    for scheduler in running:
        scheduler.wake(name)


def start_schedulers(tick: float = 0.5) -> list[Scheduler]:
    """One started scheduler per lane of the registered jobs (`clausier run`)."""
    lanes: dict[str, list[Job]] = {}
    for job in registered_jobs():
        lanes.setdefault(job.lane, []).append(job)
    schedulers = [Scheduler(jobs, tick, lane) for lane, jobs in sorted(lanes.items())]
    for scheduler in schedulers:
        scheduler.start()
    return schedulers


@dataclass(frozen=True)
class Daemon:
    """A long-running part of `clausier run` besides the web server (the monitor): an app
    registers it from ready(); `start` is the dotted path of a function() returning an
    object with a `stop()` method, imported only when `clausier run` starts it."""

    name: str
    start: str


_DAEMONS: dict[str, Daemon] = {}


def register_daemon(daemon: Daemon) -> Daemon:
    if "." not in daemon.start:
        raise ValueError(f"daemon {daemon.name!r}: {daemon.start!r} is not a dotted path")
    _DAEMONS[daemon.name] = daemon
    return daemon


def registered_daemons() -> list[Daemon]:
    return list(_DAEMONS.values())


def start_daemons() -> list[Any]:
    """Start every registered daemon; returns the handles to stop at exit."""
    return [import_string(daemon.start)() for daemon in registered_daemons()]
