"""python -m bench.coaching: the coaching figures of issue 14.

1. Availability search: the free slots of 200 coaches over 4 weeks, with 50,000 sessions
   already booked in the table (spread over a year, the 4 weeks full as far as the coaches'
   hours allow); p50/p99 of the whole search (goal: p99 < 100 ms).
2. Webhook ingestion: signed JaaS join/leave events through `rooms.ingest_webhook` (the
   signature check, the deduplication on `idempotencyKey`, the attendance recomputed),
   one in ten delivered twice; events per second.

The database is a fresh SQLite file; with BENCH_COACHING_DATABASE_URL naming an empty
PostgreSQL database, the same figures are measured there too. Each run is a child
process (`python -m bench.coaching --child`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COACHES = int(os.environ.get("BENCH_COACHES", "200"))
BOOKINGS = int(os.environ.get("BENCH_BOOKINGS", "50000"))
SEARCHES = int(os.environ.get("BENCH_SEARCHES", "30"))
EVENTS = int(os.environ.get("BENCH_WEBHOOKS", "2000"))


def measure() -> dict[str, object]:
    # Imported here: this function runs in the child process, after Django is set up.
    import django  # noqa: PLC0415

    django.setup()
    from bench.coaching_world import availability_figures, webhook_figures  # noqa: PLC0415

    return {
        "database": os.environ.get("BENCH_DB", "sqlite"),
        **availability_figures(COACHES, BOOKINGS, SEARCHES),
        **webhook_figures(EVENTS),
    }


def run(database_url: str | None = None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="clausier-bench-") as var:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        env.update(
            CLAUSIER_VAR_DIR=var,
            LOG_LEVEL="WARNING",
            DJANGO_SETTINGS_MODULE="clausier.settings",
            BENCH_DB="postgresql" if database_url else "sqlite",
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        out = subprocess.run(
            [sys.executable, "-m", "bench.coaching", "--child"],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))


def report() -> None:
    print("coaching (issue 14)")
    runs = [run()]
    if os.environ.get("BENCH_COACHING_DATABASE_URL"):
        runs.append(run(os.environ["BENCH_COACHING_DATABASE_URL"]))
    for figures in runs:
        print(
            f"  {figures['database']}: free slots of {figures['coaches']} coaches over 4 weeks,"
            f" {figures['bookings']} sessions booked: p50 {figures['search_p50_ms']:.1f} ms,"
            f" p99 {figures['search_p99_ms']:.1f} ms"
            f" (CPU p99 {figures['search_cpu_p99_ms']:.1f} ms;"
            f" {figures['slots']} free slots; goal p99 < 100 ms)"
        )
        print(
            f"  {figures['database']}: JaaS webhooks: {figures['webhook_events']} signed"
            f" events ({figures['webhook_duplicates']} duplicates)"
            f" at {figures['webhooks_per_second']:.0f}/s"
        )


if __name__ == "__main__":
    if "--child" in sys.argv:
        import django  # noqa: PLC0415
        from django.core.management import call_command  # noqa: PLC0415

        django.setup()
        call_command("migrate", "--no-input", verbosity=0)
        # As the web process starts (clausier.wsgi, `clausier run`): its start-up heap is
        # frozen out of the collector's full passes (clausier.core.heap).
        from clausier.core import heap  # noqa: PLC0415

        heap.settle()
        print(json.dumps(measure()))
    else:
        report()
