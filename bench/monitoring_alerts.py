"""python -m bench.monitoring_alerts [SERVICES] [SECONDS]: hard state change → SMTP
accepted, end to end (issue 12's goal: p99 < 1 s).

`clausier run` (web server, scheduler with the outbox delivery job, the monitor) on a
fresh SQLite database watches SERVICES TCP checks against a closed loopback port, with
`max_check_attempts` 1 so that each first check is a HARD problem whose alert goes
through the outbox; an SMTP server in this process (aiosmtpd, like the mail catcher)
notes when it accepts each message. Latency = accepted − the hard change's time
(`StateChange.at`), for every e-mail of every problem alert (client people + provider).

`python -m bench.monitoring_alerts SERVICES SECONDS FAILING` measures the same in a
monitored fleet rather than a storm: SERVICES checks every 60 s (50 per server) against
listening loopback ports, one full round first (each service's first result is its first
history entry, once in its life); then the listener of FAILING of them, spread evenly
through the schedule, is shut and those go HARD CRITICAL at their next check while the rest
keep being checked; SECONDS is how long the bench waits after the shutdown.
"""

from __future__ import annotations

import email
import email.policy
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
from typing import Any

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parent.parent

SETUP = """
from django.utils import timezone
from clausier.monitoring.models import ManagedServer, MonitoredService
from tests.helpers import make_client, make_client_user, make_provider
provider = make_provider("Kalanda")
client = make_client(provider, "Boulangerie")
make_client_user(client)
server = ManagedServer.objects.create(
    provider=provider, client=client, name="www", address="127.0.0.1"
)
server.services.all().delete()
now = timezone.now()
MonitoredService.objects.bulk_create([
    MonitoredService(server=server, name=f"tcp-{i:05d}", kind="tcp", params={"port": PORT},
                     check_interval=SPREAD, retry_interval=10, max_check_attempts=1)
    for i in range(COUNT)
])
"""
FLEET = """
from clausier.monitoring.models import ManagedServer, MonitoredService
from tests.helpers import make_client, make_client_user, make_provider
provider = make_provider("Kalanda")
client = make_client(provider, "Boulangerie")
make_client_user(client)
# bulk_create: no post_save hook, so no LAMP template; only the bench's TCP services.
servers = ManagedServer.objects.bulk_create([
    ManagedServer(provider=provider, client=client, name=f"www-{s}", address="127.0.0.1")
    for s in range((COUNT + 49) // 50)
])
STEP = COUNT // FAILING
MonitoredService.objects.bulk_create([
    MonitoredService(server=servers[i // 50], name=f"tcp-{i:05d}", kind="tcp",
                     params={"port": DOOMED if i % STEP == 0 else STEADY},
                     check_interval=60, retry_interval=10, max_check_attempts=1)
    for i in range(COUNT)
], batch_size=2000)
"""
ROUND = 60.0


class _Listener:
    """A loopback TCP server that accepts and closes, until it is shut: then its port
    refuses connections (the checks against it go CRITICAL)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(4096)
        self.port = int(self.sock.getsockname()[1])
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            connection.close()

    def shut(self) -> None:
        self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


# Checks fall due only once `clausier run` is warm (see run()): the first round of the
# scheduler's jobs (reminders, ...) takes seconds and is start-up, not steady state.
WARMUP = float(os.environ.get("BENCH_ALERT_WARMUP", "30"))


class _Stamp:
    """Notes the acceptance time of each message by the service named in its subject."""

    def __init__(self) -> None:
        self.accepted: list[tuple[str, float]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        at = time.time()
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        subject = str(message["Subject"] or "")
        name = next((w for w in subject.split() if w.startswith("tcp-")), "")
        for _rcpt in envelope.rcpt_tos:
            self.accepted.append((name, at))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _spread_due(db: Path, count: int, spread: float) -> None:
    """Make the checks due evenly over the next `spread` seconds, from now."""
    start = time.time()
    with sqlite3.connect(db, timeout=60) as connection:
        ids = [r[0] for r in connection.execute("select id from monitoring_monitoredservice")]
        connection.executemany(
            "update monitoring_monitoredservice set next_check_at = ? where id = ?",
            [
                (
                    datetime.fromtimestamp(start + i * spread / count, UTC).strftime(
                        "%Y-%m-%d %H:%M:%S.%f"
                    ),
                    pk,
                )
                for i, pk in enumerate(ids)
            ],
        )


def run(count: int, seconds: float, failing: int = 0) -> dict[str, Any]:
    closed = _free_port()  # bound then released: nothing listens there
    smtp_port = _free_port()
    stamp = _Stamp()
    catcher = Controller(stamp, hostname="127.0.0.1", port=smtp_port)
    catcher.start()
    spread = ROUND if failing else max(10.0, seconds - 15)
    steady, doomed = (_Listener(), _Listener()) if failing else (None, None)
    load0 = load1 = 0.0
    try:
        with tempfile.TemporaryDirectory(prefix="clausier-bench-alerts-") as var:
            env = {
                k: v
                for k, v in os.environ.items()
                if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CLAUSIER_MAILCATCHER"}
            }
            env.update(
                CLAUSIER_VAR_DIR=var,
                LOG_LEVEL="WARNING",
                EMAIL_HOST="127.0.0.1",
                EMAIL_PORT=str(smtp_port),
            )
            manage = [sys.executable, str(ROOT / "manage.py")]
            subprocess.run(  # noqa: S603 - our own interpreter and manage.py
                [*manage, "migrate", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
            )
            if steady is not None and doomed is not None:
                setup = (
                    FLEET.replace("COUNT", str(count))
                    .replace("FAILING", str(failing))
                    .replace("DOOMED", str(doomed.port))
                    .replace("STEADY", str(steady.port))
                )
            else:
                setup = (
                    SETUP.replace("PORT", str(closed))
                    .replace("COUNT", str(count))
                    .replace("SPREAD", str(int(spread) + 60))
                )
            subprocess.run(  # noqa: S603
                [*manage, "shell", "-c", setup], env=env, cwd=ROOT, check=True
            )
            server = subprocess.Popen(  # noqa: S603
                [*manage, "run", "--port", str(_free_port())],
                env=env,
                cwd=ROOT,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            db = Path(var) / "clausier.sqlite3"
            try:
                time.sleep(WARMUP)
                _spread_due(db, count, spread)
                if doomed is not None:
                    # One full round against listening ports, then the doomed ones shut.
                    time.sleep(ROUND + 15)
                    load0 = os.getloadavg()[0]
                    doomed.shut()
                time.sleep(seconds)
                load1 = os.getloadavg()[0]
            finally:
                server.terminate()
                server.wait(timeout=60)
                if steady is not None:
                    steady.shut()
            with sqlite3.connect(db) as connection:
                changes = dict(
                    connection.execute(
                        "select s.name, c.at from monitoring_statechange c"
                        " join monitoring_monitoredservice s on s.id = c.service_id"
                        " where c.hard and c.state = 2"
                    ).fetchall()
                )
                queued = connection.execute(
                    "select count(*) from notify_outboxmessage where template = 'monitoring_alert'"
                ).fetchone()[0]
                checked = connection.execute(
                    "select count(*) from monitoring_checkresult"
                ).fetchone()[0]
    finally:
        catcher.stop()
    latencies = []
    for name, at in stamp.accepted:
        if name in changes:
            hard_at = datetime.fromisoformat(changes[name]).replace(tzinfo=UTC).timestamp()
            latencies.append(at - hard_at)
    latencies.sort()

    def pct(p: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(p * len(latencies)))], 3)

    return {
        "services": count,
        "failing": failing,
        "checks": checked,
        "load_average": [round(load0, 1), round(load1, 1)] if failing else None,
        "hard_changes": len(changes),
        "mails_queued": queued,
        "mails_accepted": len(latencies),
        "p50_s": pct(0.50) if latencies else None,
        "p99_s": pct(0.99) if latencies else None,
        "max_s": round(latencies[-1], 3) if latencies else None,
    }


def report() -> None:
    # Issue 12's figure: 100 problems in a fleet of 10,000 checked services.
    count = int(os.environ.get("BENCH_ALERT_SERVICES", "10000"))
    seconds = float(os.environ.get("BENCH_ALERT_SECONDS", "75"))
    failing = int(os.environ.get("BENCH_ALERT_FAILING", "100"))
    f = run(count, seconds, failing)
    print(
        f"bench: hard change → SMTP accepted (issue 12), {failing} of {count} services"
        f" failing, {seconds:g} s"
    )
    print(
        f"  {f['hard_changes']} hard changes, {f['mails_accepted']}/{f['mails_queued']} e-mails "
        f"accepted; latency p50 {f['p50_s']} s, p99 {f['p99_s']} s, max {f['max_s']} s "
        "(goal p99 < 1 s)"
    )


if __name__ == "__main__":
    args = sys.argv[1:]
    print(
        json.dumps(
            run(
                int(args[0]) if args else 200,
                float(args[1]) if len(args) > 1 else 75,
                int(args[2]) if len(args) > 2 else 0,
            )
        )
    )
