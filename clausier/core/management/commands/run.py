"""`clausier run`: the web server and the scheduler in one process (the embedded default).

The scheduler runs the jobs the apps registered (`core.scheduler.register`, called from
their `AppConfig.ready()`); this command knows none of them.
"""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand
from django.core.wsgi import get_wsgi_application
from waitress import serve

from clausier.core import heap
from clausier.core.mailcatcher import start_mailcatcher
from clausier.core.scheduler import start_daemons, start_schedulers


class Command(BaseCommand):
    help = (
        "Starts Clausier: web server, scheduler, outbox delivery and the apps' daemons (monitor)."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--host", default=os.environ.get("CLAUSIER_HOST", "127.0.0.1"))
        parser.add_argument(
            "--port", type=int, default=int(os.environ.get("CLAUSIER_PORT", "8000"))
        )
        parser.add_argument(
            "--threads",
            type=int,
            default=int(os.environ.get("CLAUSIER_THREADS", "8")),
            help="waitress worker threads (docs/portal.md, 'Speed': more do not help on 2 cores)",
        )
        parser.add_argument(
            "--mailcatcher",
            action="store_true",
            default=os.environ.get("CLAUSIER_MAILCATCHER") == "1",
            help="receive outgoing mail on a local SMTP server and keep it in var/mail",
        )

    def handle(
        self, *args: Any, host: str, port: int, threads: int, mailcatcher: bool, **options: Any
    ) -> None:
        catcher = None
        if mailcatcher:
            folder = settings.VAR_DIR / "mail"
            catcher = start_mailcatcher(folder, settings.EMAIL_HOST, settings.EMAIL_PORT)
            self.stdout.write(
                f"Mail catcher on {settings.EMAIL_HOST}:{settings.EMAIL_PORT}, messages in {folder}"
            )
        schedulers = start_schedulers()
        # The apps' long-running parts (the monitor, clausier.monitoring), registered from
        # their ready() with core.scheduler.register_daemon.
        daemons = start_daemons()
        base = f"http://{host}:{port}"
        self.stdout.write(
            f"Clausier is running:\n  portal      {base}/\n  back-office {base}/admin/\n"
            f"  API         {base}/api/docs (OpenAPI: {base}/api/openapi.json)\n"
        )
        application = get_wsgi_application()
        heap.settle()  # after the daemons and the app are loaded, before the first request
        try:
            serve(application, host=host, port=port, threads=threads, ident="Clausier")
        finally:
            for daemon in daemons:
                daemon.stop()
            for scheduler in schedulers:
                scheduler.stop()
            if catcher is not None:
                catcher.stop()
