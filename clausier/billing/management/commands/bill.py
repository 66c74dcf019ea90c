"""`clausier bill --until DATE`: issue everything due up to DATE. Idempotent, crash-safe."""

from __future__ import annotations

import sys
import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clausier.billing.services import bill_due


class Command(BaseCommand):
    help = (
        "Issues every invoice due up to --until (YYYY-MM-DD). Running it twice issues nothing new."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--until", required=True, help="bill periods starting on or before this date"
        )
        parser.add_argument("--quiet", action="store_true", help="no progress bar")
        parser.add_argument(
            "--batch-size", type=int, default=500, help="ordinary periods issued per transaction"
        )
        parser.add_argument(
            "--progress-lines", action="store_true", help="print 'done total' after each batch"
        )

    def handle(
        self,
        *args: Any,
        until: str,
        quiet: bool,
        batch_size: int,
        progress_lines: bool,
        **options: Any,
    ) -> None:
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        try:
            until_date = date.fromisoformat(until)
        except ValueError:
            raise CommandError(f"--until must be a date YYYY-MM-DD, not {until!r}") from None
        show = not quiet and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if progress_lines:
                self.stdout.write(f"{done} {total}")
                self.stdout.flush()
            if show and (done == total or done % 100 == 0):
                width = 40
                filled = width * done // max(total, 1)
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")

        started = time.perf_counter()
        issued = bill_due(
            now=timezone.now(), until=until_date, progress=progress, batch_size=batch_size
        )
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{len(issued)} invoice(s) issued up to {until_date.isoformat()} in {elapsed:.2f} s"
        )
