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

    def handle(self, *args: Any, until: str, quiet: bool, **options: Any) -> None:
        try:
            until_date = date.fromisoformat(until)
        except ValueError:
            raise CommandError(f"--until must be a date YYYY-MM-DD, not {until!r}") from None
        show = not quiet and sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            if show and (done == total or done % 100 == 0):
                width = 40
                filled = width * done // max(total, 1)
                sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
                if done == total:
                    sys.stderr.write("\n")

        started = time.perf_counter()
        issued = bill_due(now=timezone.now(), until=until_date, progress=progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            f"{len(issued)} invoice(s) issued up to {until_date.isoformat()} in {elapsed:.2f} s"
        )
