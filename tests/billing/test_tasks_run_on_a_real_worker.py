"""Billing's tasks on a real `celery worker` over the Redis broker on 127.0.0.1:6379.

The worker is another process, so the database is a file (an in-memory one cannot be
shared): a SQLite file in a temporary CLAUSIER_VAR_DIR, built by `worker_world`. Two
reminder tasks run at once on a worker with two processes: between them they queue each
reminder exactly once, so neither claimed an invoice the other had. A PDF render task
writes the invoice's documents where the application serves them from.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from celery import Celery

ROOT = Path(__file__).resolve().parents[2]
BROKER = "redis://127.0.0.1:6379/0"
INVOICES = 40


def redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=2) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    not redis_answers(), reason="no Redis broker answers on 127.0.0.1:6379"
)


@pytest.fixture(scope="module")
def worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    var = tmp_path_factory.mktemp("worker-var")
    queue = f"clausier-test-{secrets.token_hex(6)}"
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")
    }
    env.update(
        CLAUSIER_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="clausier.settings",
        PYTHONPATH=str(ROOT),
    )
    built = subprocess.run(
        [sys.executable, "-m", "tests.billing.worker_world", str(INVOICES)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    invoice_ids = json.loads(built.stdout.strip().splitlines()[-1])
    env.update(CELERY_BROKER_URL=BROKER, CELERY_RESULT_BACKEND=BROKER)
    log = (var / "worker.log").open("w")
    command = [sys.executable, "-m", "celery", "-A", "clausier.celery", "worker"]
    command += ["--queues", queue, "--concurrency", "2", "--pool", "prefork", "--loglevel", "INFO"]
    command += ["--without-gossip", "--without-mingle", "--without-heartbeat"]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client = Celery("clausier-test-client", broker=BROKER, backend=BROKER)
    try:
        yield {
            "client": client,
            "queue": queue,
            "var": var,
            "db": var / "clausier.sqlite3",
            "invoice_ids": invoice_ids,
            "log": var / "worker.log",
        }
    finally:
        process.terminate()  # SIGTERM: the worker finishes its current task, then leaves
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()
        client.close()


def call(worker: dict[str, Any], name: str, *args: Any) -> Any:
    return worker["client"].send_task(name, args=list(args), queue=worker["queue"])


def result(worker: dict[str, Any], pending: Any) -> Any:
    try:
        return pending.get(timeout=180)
    except Exception:
        print(worker["log"].read_text()[-4000:])
        raise


def test_two_reminder_tasks_at_once_send_each_reminder_once(worker):
    now = "2026-04-09T10:00:00+00:00"
    # Batches of 3: each task claims again and again while the other does the same.
    first = call(worker, "clausier.billing.send_reminder_batches", now, 3)
    second = call(worker, "clausier.billing.send_reminder_batches", now, 3)
    counts = [result(worker, first), result(worker, second)]
    with sqlite3.connect(worker["db"]) as db:
        rows = db.execute(
            "SELECT idempotency_key FROM notify_outboxmessage WHERE template = ?",
            ("payment_reminder",),
        ).fetchall()
        scheduled = db.execute(
            "SELECT COUNT(*) FROM billing_invoice WHERE next_reminder_at IS NOT NULL"
            " AND reminder_claim = ''"
        ).fetchone()[0]
    # One recipient per invoice; a twice-claimed invoice would be counted by both tasks.
    assert sum(counts) == len(rows) == INVOICES, counts
    assert len({key for (key,) in rows}) == INVOICES
    assert {key.split(":")[2] for (key,) in rows} == {"8"}
    assert scheduled == INVOICES  # every invoice now waits for its 15-day reminder
    assert call(worker, "clausier.billing.send_reminder_batches", now, 3).get(timeout=180) == 0


def test_a_worker_renders_an_invoices_documents(worker):
    invoice_id = worker["invoice_ids"][0]
    names = result(worker, call(worker, "clausier.billing.render_documents", invoice_id))
    with sqlite3.connect(worker["db"]) as db:
        provider_id = db.execute(
            "SELECT provider_id FROM billing_invoice WHERE id = ?", (invoice_id,)
        ).fetchone()[0]
    folder = worker["var"] / "invoices" / str(provider_id)
    xml, pdf = (folder / name for name in names)
    assert xml.read_bytes().startswith(b"<?xml")
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert pdf.name.endswith(".pdf") and not pdf.name.endswith(".fr.pdf")
