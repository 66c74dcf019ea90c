"""`clausier bill` killed with SIGKILL at random points, then run again: no gap, no
duplicate, nothing lost — on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SUBSCRIPTIONS, MONTHS = 150, 6
CHECK = """
import json
from django.db.models import Count
from clausier.billing.models import Invoice, InvoiceLine, Subscription
invoices = Invoice.objects.filter(provider__slug='kestio')
numbers = sorted(invoices.values_list('number', flat=True))
lines = InvoiceLine.objects.filter(invoice__provider__slug='kestio')
per_period = lines.values('subscription_id', 'period_start').annotate(n=Count('id'))
print(json.dumps({
    'numbers': numbers,
    'series': sorted(set(invoices.values_list('series', flat=True))),
    'duplicates': [p['n'] for p in per_period if p['n'] != 1],
    'lines': lines.count(),
    'billed_until': {
        str(pk): str(d) for pk, d in Subscription.objects.filter(provider__slug='kestio')
        .values_list('pk', 'billed_until')
    },
}))
"""


def manage(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=check,
        timeout=600,
    )


def invoices_so_far(env: dict[str, str]) -> int:
    return len(
        json.loads(manage(env, "shell", "-c", CHECK).stdout.strip().splitlines()[-1])["numbers"]
    )


def kill_repeatedly(env: dict[str, str], rng: random.Random, kills: int) -> tuple[int, list[int]]:
    """Start `clausier bill` and SIGKILL it at a random point, `kills` times; the number
    of invoices after each kill shows whether the kill landed in the middle of the run."""
    killed, counts = 0, []
    for _ in range(kills):
        process = subprocess.Popen(
            # Small batches: many commits, so a kill can land between and inside them.
            [
                sys.executable,
                str(ROOT / "manage.py"),
                "bill",
                "--until",
                "2026-06-01",
                "--quiet",
                "--batch-size",
                "5",
                "--progress-lines",
            ],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        # Wait until the run has committed something, then kill it a random moment later.
        assert process.stdout is not None
        process.stdout.readline()
        time.sleep(rng.uniform(0.0, 0.5))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
            killed += 1
        process.wait()
        counts.append(invoices_so_far(env))
    return killed, counts


def run_crash_scenario(env: dict[str, str]) -> None:
    manage(env, "migrate", "--no-input", "-v", "0")
    manage(env, "demo")
    # The demo's own coaching client may already have its first invoice: the run must
    # continue its numbering without a gap and leave the demo's subscriptions alone.
    demo = json.loads(manage(env, "shell", "-c", CHECK).stdout.strip().splitlines()[-1])
    manage(
        env,
        "seed_billing",
        "--provider",
        "kestio",
        "--count",
        str(SUBSCRIPTIONS),
        "--start",
        "2026-01-01",
    )
    rng = random.Random(int(os.environ.get("CRASH_SEED", "20261122")))
    killed, counts = kill_repeatedly(env, rng, kills=4)
    manage(env, "bill", "--until", "2026-06-01", "--quiet")
    second = manage(env, "bill", "--until", "2026-06-01", "--quiet")
    assert second.stdout.startswith("0 invoice(s)"), second.stdout
    state = json.loads(manage(env, "shell", "-c", CHECK).stdout.strip().splitlines()[-1])
    expected = SUBSCRIPTIONS * MONTHS
    assert killed >= 1, "no run was killed: the scenario proved nothing"
    before = len(demo["numbers"])
    assert any(before < count < before + expected for count in counts), (
        f"no kill landed mid-run: {counts}"
    )
    assert state["numbers"] == list(range(1, before + expected + 1)), (
        "gap or duplicate in the numbering"
    )
    assert state["duplicates"] == []
    assert state["lines"] == demo["lines"] + expected
    seeded = {
        pk: day for pk, day in state["billed_until"].items() if pk not in demo["billed_until"]
    }
    assert len(seeded) == SUBSCRIPTIONS
    assert set(seeded.values()) == {"2026-07-01"}
    assert {pk: state["billed_until"][pk] for pk in demo["billed_until"]} == demo["billed_until"]


def base_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CLAUSIER_VAR_DIR=str(tmp_path), EMAIL_PORT="1")
    return env


def test_sigkill_on_sqlite_loses_nothing(tmp_path):
    run_crash_scenario(base_env(tmp_path))


@pytest.fixture
def scratch_postgres() -> Iterator[str]:
    psycopg = pytest.importorskip("psycopg")
    admin = "postgresql://postgres@127.0.0.1:5432/postgres"
    try:
        connection = psycopg.connect(admin, autocommit=True, connect_timeout=3)
    except psycopg.OperationalError:
        pytest.skip("no PostgreSQL on 127.0.0.1:5432")
    name = f"clausier_crash_{uuid.uuid4().hex[:10]}"
    connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"postgres://postgres@127.0.0.1:5432/{name}"
    finally:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def test_sigkill_on_postgresql_loses_nothing(tmp_path, scratch_postgres):
    env = base_env(tmp_path)
    env["DATABASE_URL"] = scratch_postgres
    run_crash_scenario(env)
