"""The embedded scheduler: periodic jobs in one background thread of `clausier run`.

Each job is a function of `now`; later issues add theirs (probes, billing, escalations)
to JOBS. With Celery configured, the same functions run as beat tasks instead.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.db import close_old_connections
from django.utils import timezone

from clausier.notify.services import deliver_due

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Job:
    name: str
    every_seconds: float
    run: Callable[[datetime], object]


def _dunning(now: datetime) -> object:
    from clausier.billing.dunning import send_reminders

    return send_reminders(now)


JOBS: list[Job] = [
    Job("outbox delivery", 2.0, deliver_due),
    Job("payment reminders", 3600.0, _dunning),
]


class Scheduler(threading.Thread):
    def __init__(self, jobs: list[Job] | None = None, tick: float = 0.5) -> None:
        super().__init__(name="clausier-scheduler", daemon=True)
        self.jobs = jobs if jobs is not None else JOBS
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
