"""Fault tests of the scale-out (docs/monitoring.md, "Scale-out"), with real processes
against the RabbitMQ, Redis and PostgreSQL that run on loopback:

- a Celery worker SIGKILLed in the middle of a probe batch: its checks are rescheduled
  (or redelivered) and run by the other worker; every service is checked, and every state
  change, alert and e-mail exists exactly once;
- leader failover: the leading `clausier monitor` is SIGKILLed, the standby takes over
  within a bound; no state change and no alert is lost or doubled.

The broker tests use a SQLite file (the workers only read it) and run once, in `make
test` (`broker` mark); the failover needs PostgreSQL's advisory lock and runs in `make
test-postgres` (`postgres` mark), on a database of its own.
"""

from __future__ import annotations

import re
import secrets
import time

import pytest

from tests.monitoring.processes import (
    EXACTLY_ONCE,
    Database,
    SilentServer,
    base_env,
    monitor,
    prepare,
    scratch_postgres,
    worker,
)

# Broker, and where results come back (the settings' default for each).
BROKERS = {
    "rabbitmq": ("amqp://guest:guest@127.0.0.1:5672//", "redis://127.0.0.1:6379/0"),
    "redis": ("redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
    # On rpc:// a consumer's read of the reply queue can block forever once a worker died
    # mid-batch (celery/celery#5034): the scheduler polls that backend instead.
    "rabbitmq-rpc": ("amqp://guest:guest@127.0.0.1:5672//", "rpc://"),
}
KNOWN_DEFECTS: dict[str, str] = {}
HARD_CRITICAL = (
    "select count(*) from monitoring_monitoredservice"
    " where state_type = 'hard' and last_hard_state = 2"
)


def _received_not_finished(log: str) -> set[str]:
    received = set(re.findall(r"Task [\w.]+\[([0-9a-f-]+)\] received", log))
    finished = set(re.findall(r"Task [\w.]+\[([0-9a-f-]+)\] (?:succeeded|failed)", log))
    return received - finished


@pytest.mark.broker
@pytest.mark.parametrize(
    "broker",
    [
        pytest.param(name, marks=pytest.mark.xfail(reason=KNOWN_DEFECTS[name], run=False))
        if name in KNOWN_DEFECTS
        else name
        for name in sorted(BROKERS)
    ],
)
def test_a_worker_killed_mid_batch_loses_no_check(tmp_path, broker):
    services = 120
    queue = f"clausier-monitor-test-{secrets.token_hex(5)}"
    env = base_env(
        tmp_path,
        CELERY_BROKER_URL=BROKERS[broker][0],
        CELERY_RESULT_BACKEND=BROKERS[broker][1],
        MONITOR_CELERY_QUEUE=queue,
        MONITOR_BATCH_SIZE="8",
        MONITOR_BATCH_TIMEOUT="8",
    )
    # One attempt: the first result of each service is its HARD problem and its alert.
    # Each check waits 3 s for a banner that never comes: a batch lasts, a kill lands in
    # the middle of one.
    silent = SilentServer()
    params = {"port": silent.port, "expect": ["+OK"], "timeout": 3}
    prepare(env, services=services, attempts=1, delay=12, spread=10, params=params)
    db = Database(sqlite_path=tmp_path / "clausier.sqlite3")
    doomed = worker("doomed", env, queue)
    survivor = worker("survivor", env, queue)
    scheduler = monitor("scheduler", env, "--tick", "0.2", "--lookahead", "3")
    processes = [doomed, survivor, scheduler]
    try:
        for process in (doomed, survivor):
            process.wait_for_line("ready")
        scheduler.wait_for_line("sends probe batches to Celery")
        # Mid-batch: part of the round recorded, and the doomed worker inside a batch
        # (it waits for its checks' due times, up to 3 s per batch).
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            recorded = db.count("select count(*) from monitoring_checkresult")
            if recorded >= services // 4 and _received_not_finished(doomed.output()):
                break
            time.sleep(0.02)
        cut = _received_not_finished(doomed.output())
        doomed.kill()
        assert cut, doomed.output()
        assert recorded < services
        try:
            db.wait_for(HARD_CRITICAL, services, timeout=120)
        except AssertionError as stalled:
            raise AssertionError(
                f"{stalled}\n--- scheduler ---\n{scheduler.output()[-6000:]}"
                f"\n--- survivor ---\n{survivor.output()[-4000:]}"
            ) from None
        time.sleep(2)  # a late or doubled result would land now
    finally:
        for process in processes:
            process.stop()
        silent.close()
    assert db.count("select count(*) from monitoring_checkresult") == services, scheduler.output()
    assert db.count("select count(distinct service_id) from monitoring_checkresult") == services
    assert db.count("select count(*) from monitoring_statechange") == services
    assert db.count(EXACTLY_ONCE) == 0
    assert db.count("select count(*) from monitoring_alert where kind = 'problem'") == services
    # Two recipients per alert: the client's person and the provider's support address.
    assert db.count("select count(*) from notify_outboxmessage") == 2 * services


@pytest.mark.postgres
def test_the_standby_takes_over_when_the_leader_is_killed(tmp_path):
    services = 150
    with scratch_postgres() as url:
        env = base_env(tmp_path, database_url=url)
        # Three attempts 2 s apart: each service goes soft 1, soft 2, hard 3 across the
        # failover.
        prepare(env, services=services, attempts=3, delay=10, spread=6)
        db = Database(postgres_url=url)
        first = monitor("first", env, "--tick", "0.2")
        second = None
        try:
            first.wait_for_line("is now the leader")
            second = monitor("second", env, "--tick", "0.2")
            second.wait_for_line("elects a leader")
            time.sleep(2)
            assert not any("is now the leader" in line for _, line in second.lines), second.output()
            recorded = db.wait_for(
                "select count(*) from monitoring_checkresult", services, timeout=120
            )
            killed = time.monotonic()
            first.kill()
            took_over = second.wait_for_line("is now the leader", timeout=30, after=killed)
            assert took_over - killed < 10, f"{took_over - killed:.1f} s"
            assert recorded < 3 * services
            db.wait_for(HARD_CRITICAL, services, timeout=180)
            time.sleep(3)  # a doubled result would land now
        finally:
            first.stop()
            if second is not None:
                second.stop()
        # Each service: soft 1, soft 2, hard 3 — exactly once each, across the failover.
        assert db.count("select count(*) from monitoring_statechange") == 3 * services
        assert db.count(EXACTLY_ONCE) == 0
        assert db.count("select count(*) from monitoring_alert where kind = 'problem'") == services
        assert db.count("select count(*) from notify_outboxmessage") == 2 * services
        # Both schedulers wrote heartbeats: the run went on across the failover.
        assert db.count("select count(distinct node) from monitoring_monitorheartbeat") >= 1
