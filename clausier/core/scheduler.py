"""The embedded scheduler: periodic jobs in one background thread of `clausier run`.

`core` knows no app: each app registers its periodic jobs from its `AppConfig.ready()`
(`register(Job(...))`), and the scheduler runs whatever is registered. Each job is a
function of `now`, named by its dotted path: ready() runs in every process (each command,
each test worker) and must not import what only the scheduler needs (models, Celery,
WeasyPrint); the path is imported when the job first runs. A heavy job only dispatches
a Celery task, which runs inline when no broker is configured and on a worker when one is.
"""

from __future__ import annotations

import logging
import threading
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
    def __init__(self, jobs: list[Job] | None = None, tick: float = 0.5) -> None:
        super().__init__(name="clausier-scheduler", daemon=True)
        self.jobs = jobs if jobs is not None else registered_jobs()
        self.tick = tick
        self.stopping = threading.Event()
        self._next: dict[str, float] = {}

    def run(self) -> None:
        clock = 0.0
        while not self.stopping.wait(self.tick):
            clock += self.tick
            for job in self.jobs:
                if self._next.get(job.name, 0.0) > clock:
                    continue
                self._next[job.name] = clock + job.every_seconds
                try:
                    job.run(timezone.now())
                except Exception:
                    # One failing job must not stop the others; the error is logged.
                    log.exception("scheduled job %r failed", job.name)
                finally:
                    close_old_connections()

    def stop(self) -> None:
        self.stopping.set()


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
