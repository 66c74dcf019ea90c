"""Fault test: SIGKILL `clausier monitor` in the middle of a batch, start it again; every
service ends with exactly the state changes, alerts and e-mails it should have: none
lost, none doubled (one transaction per result; stale results ignored)."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SERVICES = 150

SETUP = f"""
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
    MonitoredService(server=server, name=f"port-{{i}}", kind="tcp", params={{"port": 1}},
                     max_check_attempts=3, retry_interval=5, check_interval=600, next_check_at=now)
    for i in range({SERVICES})
])
"""


def env_for(var: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["CLAUSIER_VAR_DIR"] = str(var)
    return env


def manage(var: Path, *args: str) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env_for(var),
        cwd=ROOT,
        check=True,
        timeout=600,
    )


def count(db: Path, sql: str) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as connection:
        return int(connection.execute(sql).fetchone()[0])


def wait_for(db: Path, sql: str, at_least: int, timeout: float = 180) -> int:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            value = count(db, sql)
        except sqlite3.OperationalError:
            value = -1
        if value >= at_least:
            return value
        time.sleep(0.05)
    raise AssertionError(f"{sql} stayed below {at_least}")


def test_sigkill_mid_batch_then_restart(tmp_path):
    manage(tmp_path, "migrate", "--no-input", "-v", "0")
    manage(tmp_path, "shell", "-c", SETUP)
    db = tmp_path / "clausier.sqlite3"
    command = [sys.executable, str(ROOT / "manage.py"), "monitor", "--tick", "0.2"]
    first = subprocess.Popen(command, env=env_for(tmp_path), cwd=ROOT)
    try:
        # Mid-batch: some of the first round recorded, not all.
        recorded = wait_for(db, "select count(*) from monitoring_checkresult", SERVICES // 3)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
    assert recorded < 3 * SERVICES
    second = subprocess.Popen(command, env=env_for(tmp_path), cwd=ROOT)
    try:
        wait_for(
            db,
            "select count(*) from monitoring_monitoredservice where state_type = 'hard' "
            "and last_hard_state = 2",
            SERVICES,
        )
        time.sleep(1)
    finally:
        second.send_signal(signal.SIGTERM)
        second.wait(timeout=30)
    # Each service: soft 1, soft 2, hard 3 — exactly once each.
    assert count(db, "select count(*) from monitoring_statechange") == 3 * SERVICES
    assert (
        count(
            db,
            "select count(*) from (select service_id, attempt, state_type"
            " from monitoring_statechange group by 1, 2, 3 having count(*) > 1)",
        )
        == 0
    )
    assert count(db, "select count(*) from monitoring_alert where kind = 'problem'") == SERVICES
    # Two recipients per alert: the client's person and the provider's support address.
    assert count(db, "select count(*) from notify_outboxmessage") == 2 * SERVICES
