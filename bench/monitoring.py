"""python -m bench.monitoring [SERVICES] [SECONDS]: `clausier monitor` on a fresh SQLite
database watching SERVICES TCP checks (60 s interval) against a loopback listener for
SECONDS: the monitor process's CPU, the schedule lateness (when a check ran minus when it
was due) p50/p99, and the database growth per day extrapolated (issue 12's first figures;
the 10,000-service run and the Icinga 2 comparison are later work).
"""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from django.utils import timezone
from clausier.monitoring.models import ManagedServer, MonitoredService
from clausier.monitoring.services.inventory import first_check_at
from tests.helpers import make_client, make_provider
provider = make_provider("Kalanda")
client = make_client(provider, "Boulangerie")
server = ManagedServer.objects.create(
    provider=provider, client=client, name="www", address="127.0.0.1"
)
server.services.all().delete()
now = timezone.now()
rows = MonitoredService.objects.bulk_create([
    MonitoredService(server=server, name=f"tcp-{i}", kind="tcp", params={"port": PORT},
                     check_interval=60, retry_interval=10, max_check_attempts=3)
    for i in range(COUNT)
])
for row in MonitoredService.objects.filter(server=server):
    row.next_check_at = first_check_at(row, now)
    row.save(update_fields=["next_check_at"])
"""


def _listener() -> int:
    """A loopback TCP server that accepts and closes: the checks' target."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(4096)

    def serve() -> None:
        while True:
            connection, _address = sock.accept()
            connection.close()

    threading.Thread(target=serve, daemon=True).start()
    return int(sock.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(count: int, seconds: float) -> dict[str, float]:
    port = _listener()
    with tempfile.TemporaryDirectory(prefix="clausier-bench-") as var:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(CLAUSIER_VAR_DIR=var, LOG_LEVEL="WARNING")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        setup = SETUP.replace("PORT", str(port)).replace("COUNT", str(count))
        subprocess.run([*manage, "shell", "-c", setup], env=env, cwd=ROOT, check=True)  # noqa: S603
        db = Path(var) / "clausier.sqlite3"
        size_before = db.stat().st_size
        monitor = subprocess.Popen([*manage, "monitor"], env=env, cwd=ROOT)  # noqa: S603
        time.sleep(5)  # start-up (Django, imports) is not the steady state
        cpu0, t0 = _cpu_seconds(monitor.pid), time.monotonic()
        # Lateness in the steady state only: checks that fell due while Django was still
        # starting are late by the start-up, not by the scheduler.
        steady_from = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        time.sleep(seconds)
        cpu1, t1 = _cpu_seconds(monitor.pid), time.monotonic()
        monitor.terminate()
        monitor.wait(timeout=60)
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "select (julianday(at) - julianday(scheduled_at)) * 86400"
                " from monitoring_checkresult where scheduled_at >= ? order by 1",
                (steady_from,),
            ).fetchall()
            results = len(rows)
        lateness = [max(0.0, r[0]) for r in rows]
        size_after = db.stat().st_size

    def pct(p: float) -> float:
        return lateness[min(len(lateness) - 1, int(p * len(lateness)))] if lateness else 0.0

    return {
        "services": count,
        "seconds": round(t1 - t0, 1),
        "results": results,
        "cpu_share": round((cpu1 - cpu0) / (t1 - t0), 3),
        "lateness_p50_s": round(pct(0.50), 3),
        "lateness_p99_s": round(pct(0.99), 3),
        "db_growth_mb_per_day": round((size_after - size_before) / 1e6 * 86400 / (t1 - t0 + 5), 1),
    }


def report() -> None:
    count = int(os.environ.get("BENCH_MONITOR_SERVICES", "2000"))
    seconds = float(os.environ.get("BENCH_MONITOR_SECONDS", "90"))
    figures = run(count, seconds)
    print(f"bench: monitor (issue 12), {count} TCP services at 60 s for {seconds:g} s")
    print(
        f"  CPU {100 * figures['cpu_share']:.0f}% of one core (probes included), "
        f"lateness p50 {figures['lateness_p50_s']} s, p99 {figures['lateness_p99_s']} s, "
        f"{figures['results']} results, database +{figures['db_growth_mb_per_day']} MB/day "
        "(raw results pruned after 48 h)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    print(json.dumps(run(int(args[0]) if args else 2000, float(args[1]) if len(args) > 1 else 90)))
