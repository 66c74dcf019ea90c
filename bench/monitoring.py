"""python -m bench.monitoring [SERVICES] [SECONDS]: `clausier monitor` on a fresh SQLite
database watching SERVICES TCP checks (60 s interval, 50 per server) against a loopback
listener for SECONDS: the monitor process's CPU, the CPU the same probes cost alone (a
process that only runs them on the same schedule, no database), hence the monitor's own
CPU beyond the probes, the schedule lateness (when a check ran minus when it was due)
p50/p99, and the database growth per day extrapolated (issue 12).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
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
# bulk_create: no post_save hook, so no LAMP template; only the bench's TCP services.
servers = ManagedServer.objects.bulk_create([
    ManagedServer(provider=provider, client=client, name=f"www-{s}", address="127.0.0.1")
    for s in range((COUNT + PER_SERVER - 1) // PER_SERVER)
])
now = timezone.now()
rows = MonitoredService.objects.bulk_create([
    MonitoredService(server=servers[i // PER_SERVER], name=f"tcp-{i}", kind="tcp",
                     params={"port": PORT}, check_interval=60, retry_interval=10,
                     max_check_attempts=3)
    for i in range(COUNT)
], batch_size=2000)
rows = list(MonitoredService.objects.all())
for row in rows:
    row.next_check_at = first_check_at(row, now)
MonitoredService.objects.bulk_update(rows, ["next_check_at"], batch_size=2000)
"""


PER_SERVER = 50
# One full round and a little: each service's very first result is also its first
# history entry (a state change), which happens once in a service's life, not every
# minute; the figures are the steady state after it.
WARMUP = float(os.environ.get("BENCH_MONITOR_WARMUP", "70"))


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


def _db_size(db: Path) -> int:
    # SQLite in WAL mode: rows land in the -wal file first, then in the database.
    return sum(p.stat().st_size for p in (db, db.with_name(db.name + "-wal")) if p.exists())


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
        setup = setup.replace("PER_SERVER", str(PER_SERVER))
        subprocess.run([*manage, "shell", "-c", setup], env=env, cwd=ROOT, check=True)  # noqa: S603
        db = Path(var) / "clausier.sqlite3"
        size_before = _db_size(db)
        launched = time.monotonic()
        monitor = subprocess.Popen(  # noqa: S603
            [*manage, "monitor"], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        assert monitor.stdout is not None
        while "running" not in monitor.stdout.readline():
            pass
        # Start-up (Django, imports, the first due query) is not the steady state: the
        # checks that fell due meanwhile run late by the start-up, not by the scheduler.
        time.sleep(WARMUP)
        load0 = os.getloadavg()[0]
        cpu0, t0 = _cpu_seconds(monitor.pid), time.monotonic()
        # Lateness in the steady state only: checks that fell due while Django was still
        # starting are late by the start-up, not by the scheduler.
        steady_from = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        time.sleep(seconds)
        cpu1, t1 = _cpu_seconds(monitor.pid), time.monotonic()
        until = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        load1 = os.getloadavg()[0]
        monitor.terminate()
        monitor.wait(timeout=60)
        with sqlite3.connect(db) as connection:
            rows = connection.execute(
                "select (julianday(at) - julianday(scheduled_at)) * 86400"
                " from monitoring_checkresult where scheduled_at >= ? and scheduled_at < ?"
                " order by 1",
                (steady_from, until),
            ).fetchall()
            results = len(rows)
        lateness = [max(0.0, r[0]) for r in rows]
        size_after = _db_size(db)
        alone = probes_alone(count, seconds, port)

    def pct(p: float) -> float:
        return lateness[min(len(lateness) - 1, int(p * len(lateness)))] if lateness else 0.0

    return {
        "services": count,
        "seconds": round(t1 - t0, 1),
        "load_average": round((load0 + load1) / 2, 1),
        "results": results,
        "expected_results": int(count * (t1 - t0) / 60),
        "cpu_share": round((cpu1 - cpu0) / (t1 - t0), 3),
        "probes_alone_cpu_share": alone,
        "cpu_beyond_probes": round((cpu1 - cpu0) / (t1 - t0) - alone, 3),
        "lateness_p50_s": round(pct(0.50), 3),
        "lateness_p99_s": round(pct(0.99), 3),
        "db_growth_mb_per_day": round(
            (size_after - size_before) / 1e6 * 86400 / (t1 - launched), 1
        ),
    }


def probes_alone(count: int, seconds: float, port: int) -> float:
    """CPU share of a process running the same probes on the same schedule, nothing else."""
    out = subprocess.run(  # noqa: S603 - our own interpreter and module
        [
            sys.executable,
            "-m",
            "bench.monitoring",
            "--probes-alone",
            str(count),
            str(seconds),
            str(port),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    return float(json.loads(out.strip().splitlines()[-1])["cpu_share"])


def _probes_alone_main(count: int, seconds: float, port: int) -> None:
    """The monitor's probe path without the monitor: a Runner, the TCP probes, each at its
    slot of a 60 s round, as many rounds as fit in 5 s + SECONDS."""
    from clausier.probes.runner import Runner  # noqa: PLC0415
    from clausier.probes.tcp import TcpProbe  # noqa: PLC0415

    async def main() -> float:
        runner = Runner()
        loop = asyncio.get_running_loop()
        start = loop.time()
        done = asyncio.Event()
        measured: dict[str, float] = {}

        def mark(name: str) -> None:
            measured[name] = time.process_time()
            measured[name + "_wall"] = time.monotonic()
            if name == "end":
                done.set()

        loop.call_at(start + 5, mark, "start")
        loop.call_at(start + 5 + seconds, mark, "end")
        tasks = set()

        async def one(i: int) -> None:
            probe = TcpProbe(host="127.0.0.1", port=port)
            offset = (i * 0.6180339887 % 1.0) * 60
            n = 0
            while not done.is_set():
                delay = start + offset + 60 * n - loop.time()
                if delay > 0:
                    await asyncio.sleep(delay)
                if done.is_set():
                    return
                await runner.run_one(probe)
                n += 1

        for i in range(count):
            tasks.add(asyncio.create_task(one(i)))
        await done.wait()
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return (measured["end"] - measured["start"]) / (
            measured["end_wall"] - measured["start_wall"]
        )

    print(json.dumps({"cpu_share": round(asyncio.run(main()), 3)}))


ICINGA_CONF = """
const PluginDir = "/usr/lib/nagios/plugins"
include <itl>
include <plugins>
object CheckerComponent "checker" { }
object PerfdataWriter "perfdata" {
  service_perfdata_path = "{var}/perfdata/service"
  service_temp_path = "{var}/perfdata/service.tmp"
  host_perfdata_path = "{var}/perfdata/host"
  host_temp_path = "{var}/perfdata/host.tmp"
  service_format_template = "T::$service.last_check$ L::$service.latency$"
  rotation_interval = 10s
}
template Service "bench" {
  check_command = "tcp"
  vars.tcp_address = "127.0.0.1"
  vars.tcp_port = {port}
  check_interval = 60s
  retry_interval = 10s
  max_check_attempts = 3
}
"""


def _tree(root: int) -> list[int]:
    """`root` and its descendants (Icinga's main process, its spawn helper, the plugins)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _tree_cpu(root: int) -> tuple[float, float]:
    """(own CPU seconds, CPU seconds of reaped children: the plugins) of a process tree."""
    own = reaped = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for pid in _tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        own += (int(fields[11]) + int(fields[12])) / tick
        reaped += (int(fields[13]) + int(fields[14])) / tick
    return own, reaped


def icinga(count: int, seconds: float, port: int) -> dict[str, float] | str:
    """Icinga 2 (Debian's package) running the same TCP services with `check_tcp` from
    monitoring-plugins, configured in a temporary directory; its CPU (the daemon itself,
    and the plugins it forks) and its check latency (Icinga's own figure: the time from
    when a check was due to its result, minus the plugin's execution time). A reason
    string when Icinga 2 is not installed (`apt-get install icinga2 monitoring-plugins-basic`)."""
    binary = shutil.which("icinga2")
    plugin = Path("/usr/lib/nagios/plugins/check_tcp")
    if binary is None or not plugin.exists():
        return "icinga2 or check_tcp not installed"
    with tempfile.TemporaryDirectory(prefix="clausier-icinga-") as var:
        root = Path(var)
        for folder in ("data", "log", "cache", "spool", "run", "perfdata"):
            (root / folder).mkdir()
        lines = [ICINGA_CONF.replace("{var}", var).replace("{port}", str(port))]
        hosts = (count + PER_SERVER - 1) // PER_SERVER
        for h in range(hosts):
            lines.append(
                f'object Host "www-{h}" {{ check_command = "dummy"; '
                'enable_active_checks = false; address = "127.0.0.1" }'
            )
        for i in range(count):
            host = f"www-{i // PER_SERVER}"
            lines.append(f'object Service "tcp-{i}" {{ import "bench"; host_name = "{host}" }}')
        (root / "icinga2.conf").write_text("\n".join(lines) + "\n")
        defines = []
        for name, folder in (
            ("DataDir", "data"),
            ("LogDir", "log"),
            ("CacheDir", "cache"),
            ("SpoolDir", "spool"),
            ("InitRunDir", "run"),
        ):
            defines += ["-D", f"{name}={root / folder}"]
        env = {**os.environ, "ICINGA2_USER": "root", "ICINGA2_GROUP": "root"}
        log = (root / "daemon.log").open("w")
        daemon = subprocess.Popen(  # noqa: S603 - Debian's icinga2, our temporary config
            [binary, "daemon", "-c", str(root / "icinga2.conf"), *defines],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            deadline = time.monotonic() + 300
            while "Activated all objects" not in (root / "daemon.log").read_text():
                if daemon.poll() is not None or time.monotonic() > deadline:
                    return "icinga2 did not start: " + (root / "daemon.log").read_text()[-500:]
                time.sleep(0.5)
            time.sleep(WARMUP)
            own0, reaped0 = _tree_cpu(daemon.pid)
            t0, w0 = time.monotonic(), time.time()
            time.sleep(seconds)
            own1, reaped1 = _tree_cpu(daemon.pid)
            t1, w1 = time.monotonic(), time.time()
        finally:
            daemon.terminate()
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                daemon.kill()
                daemon.wait()
            log.close()
        latencies = []
        for path in (root / "perfdata").iterdir():
            if not path.name.startswith("service"):
                continue
            for line in path.read_text().splitlines():
                fields = dict(f.split("::", 1) for f in line.split() if "::" in f)
                try:
                    at, latency = float(fields["T"]), float(fields["L"])
                except (KeyError, ValueError):
                    continue
                if w0 <= at < w1:
                    latencies.append(latency)
        latencies.sort()

        def pct(p: float) -> float:
            return latencies[min(len(latencies) - 1, int(p * len(latencies)))] if latencies else 0.0

        return {
            "results": len(latencies),
            "daemon_cpu_share": round((own1 - own0) / (t1 - t0), 3),
            "plugins_cpu_share": round((reaped1 - reaped0) / (t1 - t0), 3),
            "latency_p50_s": round(pct(0.5), 3),
            "latency_p99_s": round(pct(0.99), 3),
        }


AVAILABILITY = """
import json, random, time
from datetime import UTC, date, datetime, timedelta
from clausier.monitoring.models import (
    Downtime, ManagedServer, MonitoredService, MonitorHeartbeat, StateChange,
)
from clausier.monitoring.services.availability import fleet_availability
from tests.helpers import make_client, make_provider
provider = make_provider("Kalanda")
client = make_client(provider, "Boulangerie")
servers = ManagedServer.objects.bulk_create([
    ManagedServer(provider=provider, client=client, name=f"www-{s}", address="127.0.0.1")
    for s in range((COUNT + PER_SERVER - 1) // PER_SERVER)
])
MonitoredService.objects.bulk_create([
    MonitoredService(server=servers[i // PER_SERVER], name=f"tcp-{i}", kind="tcp",
                     params={"port": 80}, has_result=True)
    for i in range(COUNT)
], batch_size=5000)
start = datetime(2025, 1, 1, tzinfo=UTC)
months = [date(2025, m, 1) for m in range(1, 13)]
now = datetime(2026, 1, 2, tzinfo=UTC)
random.seed(12)
# The monitor ran all year but for one 3-hour stop a month ("no data").
MonitorHeartbeat.objects.bulk_create([
    MonitorHeartbeat(started_at=start + timedelta(days=30 * m) + timedelta(hours=3),
                     last_beat_at=start + timedelta(days=30 * (m + 1)))
    for m in range(13)
])
Downtime.objects.bulk_create([
    Downtime(server=server, starts_at=start + timedelta(days=30 * m + 7),
             ends_at=start + timedelta(days=30 * m + 7, hours=2), reason="maintenance",
             created_at=start)
    for server in servers for m in range(12)
])
rows = []
for service in MonitoredService.objects.all():
    at = start + timedelta(minutes=random.randint(0, 600))
    rows.append(StateChange(service=service, at=at, state=0, state_type="hard", attempt=1,
                            previous_state=0, hard_state=0, previous_hard_state=0, hard=True))
    # Two incidents a month on average: a hard problem and its recovery.
    for _ in range(24):
        at += timedelta(hours=random.uniform(1, 700))
        if at >= now:
            break
        down = at + timedelta(minutes=random.uniform(2, 240))
        rows.append(StateChange(service=service, at=at, state=2, state_type="hard", attempt=3,
                                previous_state=0, hard_state=2, previous_hard_state=0,
                                hard=True, output="CRITICAL"))
        rows.append(StateChange(service=service, at=down, state=0, state_type="hard",
                                attempt=1, previous_state=2, hard_state=0,
                                previous_hard_state=2, hard=True, output="OK"))
        at = down
    if len(rows) >= 50000:
        StateChange.objects.bulk_create(rows)
        rows = []
StateChange.objects.bulk_create(rows)
changes = StateChange.objects.count()
t0, c0 = time.perf_counter(), time.process_time()
last = fleet_availability(None, months[-1:], now)  # the month-end report of the fleet
t1, c1 = time.perf_counter(), time.process_time()
figures = fleet_availability(None, months, now)  # every month of the year
t2, c2 = time.perf_counter(), time.process_time()
assert len(last) == COUNT and len(figures) == COUNT * 12
print(json.dumps({"services": COUNT, "months": 12, "hard_changes": changes,
                  "one_month_seconds": round(t1 - t0, 2), "one_month_cpu": round(c1 - c0, 2),
                  "figures": len(figures), "seconds": round(t2 - t1, 2),
                  "cpu": round(c2 - c1, 2)}))
"""


def availability(count: int) -> dict[str, float]:
    """`fleet_availability` for COUNT services × 12 months of hard-state history (two
    incidents a month each, a downtime per server and month, a monitor stop a month) on a
    fresh SQLite database: the seconds for all COUNT × 12 figures."""
    with tempfile.TemporaryDirectory(prefix="clausier-bench-") as var:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(CLAUSIER_VAR_DIR=var, LOG_LEVEL="WARNING")
        manage = [sys.executable, str(ROOT / "manage.py")]
        subprocess.run([*manage, "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
        script = AVAILABILITY.replace("COUNT", str(count)).replace("PER_SERVER", str(PER_SERVER))
        out = subprocess.run(  # noqa: S603
            [*manage, "shell", "-c", script],
            env=env,
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
    return dict(json.loads(out.strip().splitlines()[-1]))


def report() -> None:
    count = int(os.environ.get("BENCH_MONITOR_SERVICES", "10000"))
    seconds = float(os.environ.get("BENCH_MONITOR_SECONDS", "120"))
    figures = run(count, seconds)
    print(
        f"bench: monitor (issue 12), {count} TCP services at 60 s for {seconds:g} s "
        f"after a {WARMUP:g} s round (load average {figures['load_average']})"
    )
    print(
        f"  Clausier: CPU {100 * figures['cpu_share']:.0f}% of one core, "
        f"{100 * figures['cpu_beyond_probes']:.0f}% beyond the probes (goal <= 25%; "
        f"the probes alone: {100 * figures['probes_alone_cpu_share']:.0f}%), "
        f"lateness p50 {figures['lateness_p50_s']} s, p99 {figures['lateness_p99_s']} s "
        f"(goal < 1 s), {figures['results']} of {figures['expected_results']} results, "
        f"database +{figures['db_growth_mb_per_day']} MB/day (raw results pruned after 48 h)"
    )
    peer = icinga(count, seconds, _listener())
    if isinstance(peer, str):
        print(f"  Icinga 2: not run ({peer})")
    else:
        print(
            f"  Icinga 2 + check_tcp: daemon {100 * peer['daemon_cpu_share']:.0f}% of one core, "
            f"plugins {100 * peer['plugins_cpu_share']:.0f}%, latency p50 "
            f"{peer['latency_p50_s']} s, p99 {peer['latency_p99_s']} s, "
            f"{peer['results']} results"
        )
    months = availability(count)
    print(
        f"  availability, {count} services with 12 months of history "
        f"({months['hard_changes']} hard changes): the last month's {count} figures in "
        f"{months['one_month_seconds']} s, all {months['figures']} in {months['seconds']} s "
        f"(CPU {months['cpu']} s; goal < 2 s)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    if args and args[0] == "--availability":
        print(json.dumps(availability(int(args[1]) if len(args) > 1 else 10000)))
        sys.exit(0)
    if args and args[0] == "--icinga":
        print(json.dumps(icinga(int(args[1]), float(args[2]), _listener())))
        sys.exit(0)
    if args and args[0] == "--probes-alone":
        _probes_alone_main(int(args[1]), float(args[2]), int(args[3]))
        sys.exit(0)
    print(json.dumps(run(int(args[0]) if args else 2000, float(args[1]) if len(args) > 1 else 90)))
