"""The `clausier` command: Django's management commands under one name.

`clausier run` starts everything (web, scheduler), `clausier demo` loads demo data,
`clausier migrate`, `clausier sendmail`... are the usual management commands, and
`clausier worker [celery worker options]` starts a Celery worker (scale-out, with a
broker in CELERY_BROKER_URL).
"""

from __future__ import annotations

import os
import sys

from django.core.management import execute_from_command_line


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
    args = list(sys.argv if argv is None else ["clausier", *argv])
    args[0] = "clausier"
    if len(args) > 1 and args[1] == "worker":
        # Celery's own command line, on the project's app: every option it documents works.
        # Imported here only: its command line costs seconds that no other command pays.
        from celery.bin.celery import main as celery_main  # noqa: PLC0415 - worker only

        options = args[2:]
        if not any(o in ("-Q", "--queues") or o.startswith(("-Q", "--queues=")) for o in options):
            # The default queue and the monitor's probe batches (docs/monitoring.md,
            # "Scale-out"): a plain `clausier worker` serves both.
            from django.conf import settings  # noqa: PLC0415 - read lazily, no app set-up

            options = ["--queues", f"celery,{settings.MONITOR_CELERY_QUEUE}", *options]
        sys.argv = ["celery", "-A", "clausier.celery", "worker", *options]
        celery_main()
        return 0
    if len(args) > 1 and args[1] == "simulate":
        # A simulation runs on a database of its own, in memory, thrown away at exit:
        # it never needs, reads or touches the real one.
        os.environ["CLAUSIER_SIMULATION"] = "1"
    execute_from_command_line(args)
    return 0
