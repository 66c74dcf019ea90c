"""python -m bench.billing [N]: a billing run over N active subscriptions on a fresh
SQLite database (invoices per second, without PDFs), the issue-5 benchmark.

Kill Bill, the peer named by the issue, reports invoicing one account holding 30,000
bundles in under 10 s (3,000 invoice items/s); we print our figure beside that bound.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILL_BILL_ITEMS_PER_SECOND = 30_000 / 10


def manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def run(subscriptions: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="clausier-bench-") as var:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(CLAUSIER_VAR_DIR=var, LOG_LEVEL="WARNING")
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "demo")
        t0 = time.perf_counter()
        manage(
            env,
            "seed_billing",
            "--provider",
            "kestio",
            "--count",
            str(subscriptions),
            "--start",
            "2026-01-01",
        )
        seeded = time.perf_counter() - t0
        out = manage(env, "bill", "--until", "2026-01-01", "--quiet")
        # The run's own clock, printed by the command: process start-up is not billing.
        issued, seconds = int(out.split()[0]), float(out.split(" in ")[1].split()[0])
        assert issued == subscriptions, out
        return {
            "subscriptions": subscriptions,
            "invoices": issued,
            "seconds": seconds,
            "seed_seconds": seeded,
        }


def main() -> None:
    count = (
        int(sys.argv[1])
        if len(sys.argv) > 1
        else int(os.environ.get("BENCH_SUBSCRIPTIONS", "100000"))
    )
    figures = run(count)
    rate = figures["invoices"] / figures["seconds"]
    print(
        f"billing run: {figures['invoices']} invoices in {figures['seconds']:.1f} s "
        f"= {rate:.0f} invoices/s (seeding took {figures['seed_seconds']:.1f} s, not counted)"
    )
    print(
        f"  Kill Bill's reported bound: {KILL_BILL_ITEMS_PER_SECOND:.0f} items/s in one account; "
        f"ratio ours/theirs = {rate / KILL_BILL_ITEMS_PER_SECOND:.2f}"
    )
    print(json.dumps({"billing_invoices_per_second": round(rate, 1)}))


if __name__ == "__main__":
    main()
