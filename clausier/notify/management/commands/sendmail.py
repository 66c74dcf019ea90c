"""`clausier sendmail`: deliver the outbox, once or in a loop (the delivery worker)."""

from __future__ import annotations

import signal
import time
from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from clausier.notify.services import deliver_due


class Command(BaseCommand):
    help = "Delivers queued outbox messages over SMTP."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--loop", action="store_true", help="keep delivering until SIGTERM")
        parser.add_argument("--interval", type=float, default=2.0, help="seconds between passes")

    def handle(self, *args: Any, loop: bool, interval: float, **options: Any) -> None:
        stopping = False

        def stop(signum: int, frame: Any) -> None:
            nonlocal stopping
            stopping = True  # finish the current batch, then leave

        signal.signal(signal.SIGTERM, stop)
        while True:
            counts = deliver_due(timezone.now())
            if counts["sent"] or counts["retrying"] or counts["failed"]:
                self.stdout.write(
                    "sent {sent}, retrying {retrying}, failed {failed}".format(**counts)
                )
            if not loop or stopping:
                return
            time.sleep(interval)
