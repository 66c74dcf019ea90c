"""`clausier monitor`: the monitor on its own (without the web server)."""

from __future__ import annotations

import asyncio
import signal
from typing import Any

from django.core.management.base import BaseCommand

from clausier.core import heap
from clausier.monitoring.monitor import configured_monitor


class Command(BaseCommand):
    help = "Runs the monitoring scheduler: due checks, results, alerts (Ctrl-C / SIGTERM stops it)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--tick", type=float, default=0.5, help="seconds between two rounds")
        parser.add_argument(
            "--lookahead",
            type=float,
            default=1.0,
            help="seconds ahead a round picks due checks (each starts at its due time)",
        )

    def handle(self, *args: Any, tick: float, lookahead: float, **options: Any) -> None:
        monitor = configured_monitor(tick=tick, lookahead=lookahead)

        # Standby / leader changes on stdout: an operator (and the failover test) sees them.
        def told(held: bool) -> None:
            role = "the leader" if held else "a standby"
            self.stdout.write(f"Monitor {monitor.node} is now {role}")
            self.stdout.flush()

        monitor.on_leader = told
        if monitor.leader is not None:
            self.stdout.write(f"Monitor {monitor.node} elects a leader (PostgreSQL advisory lock)")
        if monitor.dispatch is not None:
            self.stdout.write(f"Monitor {monitor.node} sends probe batches to Celery")
        self.stdout.flush()

        async def main() -> None:
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, monitor.stop)
            await monitor.run()

        heap.settle()
        self.stdout.write(f"Monitor {monitor.node} running")
        self.stdout.flush()
        asyncio.run(main())
        self.stdout.write(f"Monitor stopped after {monitor.recorded} results")
