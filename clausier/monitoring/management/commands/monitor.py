"""`clausier monitor`: the monitor on its own (without the web server)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand

from clausier.monitoring.monitor import Monitor


class Command(BaseCommand):
    help = "Runs the monitoring scheduler: due checks, results, alerts (Ctrl-C / SIGTERM stops it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=0.5, help="seconds between two rounds")

    def handle(self, *args: Any, tick: float, **options: Any) -> None:
        monitor = Monitor(tick=tick)

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, monitor.stop)
            await monitor.run()

        self.stdout.write(f"Monitor {monitor.node} running")
        asyncio.run(main())
        self.stdout.write(f"Monitor stopped after {monitor.recorded} results")
