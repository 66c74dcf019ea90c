"""Real processes for the fault tests: `clausier monitor` schedulers and `clausier worker`
Celery workers on a scratch database (a SQLite file, or a PostgreSQL database of their
own), their output read line by line with the time each line came."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLAUSIER = Path(sys.executable).parent / "clausier"

# `services` TCP checks on a closed port (CRITICAL), spread over `spread` seconds from
# `delay` seconds after the setup, each checked once per 10 minutes after that.
SETUP = """
from datetime import timedelta
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
    MonitoredService(server=server, name=f"port-{{i}}", kind="tcp", params={params},
                     max_check_attempts={attempts}, retry_interval=2, check_interval=600,
                     next_check_at=now + timedelta(seconds={delay} + i * {spread} / {services}))
    for i in range({services})
])
"""


def base_env(var: Path, database_url: str = "", **extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DATABASE_URL",
            "DJANGO_SETTINGS_MODULE",
            "CELERY_BROKER_URL",
            "CELERY_RESULT_BACKEND",
        }
    }
    env.update(CLAUSIER_VAR_DIR=str(var), PYTHONPATH=str(ROOT), EMAIL_PORT="1", LOG_LEVEL="INFO")
    env["PYTHONUNBUFFERED"] = "1"  # the tests read the processes' lines as they come
    if database_url:
        env["DATABASE_URL"] = database_url
    env.update(extra)
    return env


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args], env=env, cwd=ROOT, check=True, timeout=600
    )


def prepare(env: dict[str, str], **setup: Any) -> None:
    setup.setdefault("params", {"port": 1})
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "shell", "-c", SETUP.format(**setup))


class Process:
    """A child process whose output lines are kept with their arrival time."""

    def __init__(self, name: str, command: list[str], env: dict[str, str]) -> None:
        self.name = name
        self.lines: list[tuple[float, str]] = []
        self.popen = subprocess.Popen(
            command,
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.popen.stdout is not None
        for line in self.popen.stdout:
            self.lines.append((time.monotonic(), line.rstrip()))

    def wait_for_line(self, text: str, timeout: float = 120, after: float = 0.0) -> float:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if at >= after and text in line:
                    return at
            if self.popen.poll() is not None and not self._reader.is_alive():
                break
            time.sleep(0.05)
        raise AssertionError(f"{self.name} never printed {text!r}:\n{self.output()}")

    def output(self) -> str:
        return "\n".join(line for _, line in self.lines[-80:])

    def kill(self) -> None:
        self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def monitor(name: str, env: dict[str, str], *args: str) -> Process:
    return Process(name, [sys.executable, "-u", str(ROOT / "manage.py"), "monitor", *args], env)


def worker(name: str, env: dict[str, str], queue: str) -> Process:
    # The solo pool: the batch runs in the worker's own process, so a SIGKILL of the
    # worker kills the batch in the middle (with prefork, a child could finish it).
    command = [str(CLAUSIER), "worker", "--queues", queue, "--pool", "solo", "--loglevel", "INFO"]
    command += ["--prefetch-multiplier", "1", "--without-gossip", "--without-mingle"]
    command += ["--without-heartbeat", "--hostname", f"{name}@%h"]
    return Process(name, command, env)


class SilentServer:
    """A TCP server on loopback that accepts and never says a word: a check expecting a
    banner from it waits for its own timeout (a probe batch that lasts)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(1024)
        self.port = int(self.sock.getsockname()[1])
        self.held: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            self.held.append(connection)

    def close(self) -> None:
        self.sock.close()
        for connection in self.held:
            connection.close()


class Database:
    """Read-only counts on the scratch database, whichever engine it is."""

    def __init__(self, sqlite_path: Path | None = None, postgres_url: str = "") -> None:
        self.sqlite_path = sqlite_path
        self.postgres_url = postgres_url

    def count(self, sql: str) -> int:
        if self.sqlite_path is not None:
            uri = f"file:{self.sqlite_path}?mode=ro"
            with sqlite3.connect(uri, uri=True, timeout=30) as connection:
                return int(connection.execute(sql).fetchone()[0])
        import psycopg  # noqa: PLC0415

        with psycopg.connect(self.postgres_url.replace("postgres://", "postgresql://")) as conn:
            row = conn.execute(sql).fetchone()  # type: ignore[arg-type]
            assert row is not None
            return int(row[0])

    def wait_for(self, sql: str, at_least: int, timeout: float = 180) -> int:
        deadline = time.monotonic() + timeout
        value = -1
        while time.monotonic() < deadline:
            try:
                value = self.count(sql)
            except Exception:
                value = -1
            if value >= at_least:
                return value
            time.sleep(0.1)
        raise AssertionError(f"{sql} stayed at {value}, below {at_least}")


@contextmanager
def scratch_postgres() -> Iterator[str]:
    """A PostgreSQL database of the test's own on 127.0.0.1:5432, dropped afterwards."""
    import psycopg  # noqa: PLC0415

    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    connection = psycopg.connect(admin, autocommit=True, connect_timeout=5)
    name = f"clausier_monitor_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')  # type: ignore[arg-type]
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[arg-type]
        connection.close()


EXACTLY_ONCE = (
    "select count(*) from (select service_id, attempt, state_type"
    " from monitoring_statechange group by 1, 2, 3 having count(*) > 1) as doubles"
)
