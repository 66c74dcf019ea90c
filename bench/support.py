"""python -m bench.support [TICKETS] [MESSAGES]: the support desk's two figures (issue 13).

1. The staff queue page (`/support/`, as an engineer) over TICKETS open tickets (default
   100,000): p50/p99 of 30 requests through Django's test client, and the ratio to the
   same page over an empty queue.
2. E-mail in: MESSAGES raw messages (default 10,000; half new tickets, half replies
   threaded by subject) parsed and threaded by `mailin.ingest`, messages per second.

Runs on a fresh SQLite database in a temporary CLAUSIER_VAR_DIR (a child process).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
REQUESTS = 30


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _page_times(client: Any, runs: int = REQUESTS) -> list[float]:
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        response = client.get("/support/")
        times.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.status_code
    return times


def measure(tickets: int, messages: int) -> dict[str, float]:
    import django  # noqa: PLC0415 - the child process sets Django up itself

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clausier.settings")
    django.setup()
    from datetime import UTC, datetime, timedelta  # noqa: PLC0415

    from django.core.management import call_command  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    from clausier.support.models import Channel, Ticket  # noqa: PLC0415
    from clausier.support.services.mailin import ingest  # noqa: PLC0415
    from tests.support.builders import support_world  # noqa: PLC0415

    call_command("migrate", "--no-input", verbosity=0)
    w = support_world()
    client = Client()
    client.force_login(w["engineer"])
    _page_times(client, 5)  # warm-up: templates compiled, caches filled
    empty = _page_times(client)
    start = datetime(2026, 1, 6, 8, tzinfo=UTC)
    rows = [
        Ticket(
            provider=w["provider"],
            client=w["client"],
            subject=f"Ticket {n}",
            channel=Channel.PORTAL,
            received_at=start + timedelta(minutes=n),
            ack_due_at=start + timedelta(minutes=n, hours=1),
            ack_clause="Art. 5",
            requester_email="nina@boulangerie.example",
            created_at=start,
        )
        for n in range(tickets)
    ]
    Ticket.objects.bulk_create(rows, batch_size=5000)
    full = _page_times(client)
    print(  # progress on stderr: the queue figures before the long mail-in run
        f"queue: empty p99 {_percentile(empty, 0.99):.1f} ms, "
        f"{tickets} tickets p50 {_percentile(full, 0.5):.1f} "
        f"/ p99 {_percentile(full, 0.99):.1f} ms",
        file=sys.stderr,
    )
    now = datetime(2026, 2, 1, 9, tzinfo=UTC)
    raws = []
    for n in range(messages):
        subject = f"Panne {n}" if n % 2 == 0 else f"Re: [#T-{(n % tickets) + 1}] suite"
        raws.append(
            (
                f"From: nina@boulangerie.example\r\nTo: support@kalanda.example\r\n"
                f"Subject: {subject}\r\nMessage-ID: <m{n}@boulangerie.example>\r\n"
                "Content-Type: text/plain; charset=utf-8\r\n\r\n"
                f"Bonjour, message {n}.\r\n\r\nLe 1 janv. a écrit :\r\n> ancien\r\n"
            ).encode()
        )
    t0 = time.perf_counter()
    outcomes: dict[str, int] = {}
    for raw in raws:
        action = ingest(raw, w["provider"], now).action
        outcomes[action] = outcomes.get(action, 0) + 1
    mail_seconds = time.perf_counter() - t0
    return {
        "tickets": tickets,
        "empty_p50_ms": _percentile(empty, 0.5),
        "empty_p99_ms": _percentile(empty, 0.99),
        "full_p50_ms": _percentile(full, 0.5),
        "full_p99_ms": _percentile(full, 0.99),
        "messages": messages,
        "mail_seconds": mail_seconds,
        "messages_per_second": messages / mail_seconds,
        "outcomes": outcomes,  # type: ignore[dict-item]
    }


def run(tickets: int, messages: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="clausier-bench-support-") as var:
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
        }
        env.update(CLAUSIER_VAR_DIR=var, LOG_LEVEL="WARNING", BENCH_SUPPORT_CHILD="1")
        out = subprocess.run(  # noqa: S603 -- our own interpreter and module
            [sys.executable, "-m", "bench.support", str(tickets), str(messages)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
            check=True,
        ).stdout
        return dict(json.loads(out.strip().splitlines()[-1]))


def report(tickets: int = 100_000, messages: int = 10_000) -> None:
    data = run(tickets, messages)
    ratio = data["full_p99_ms"] / data["empty_p99_ms"]
    print(
        f"support queue, {data['tickets']} tickets: p50 {data['full_p50_ms']:.1f} ms, "
        f"p99 {data['full_p99_ms']:.1f} ms (empty queue p99 {data['empty_p99_ms']:.1f} ms, "
        f"x{ratio:.2f}; target < 150 ms)"
    )
    print(
        f"support mail-in: {data['messages']} messages parsed and threaded in "
        f"{data['mail_seconds']:.1f} s = {data['messages_per_second']:.0f} messages/s "
        f"{data['outcomes']}"
    )


if __name__ == "__main__":
    tickets = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    messages = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    if os.environ.get("BENCH_SUPPORT_CHILD"):
        print(json.dumps(measure(tickets, messages)))
    else:
        report(tickets, messages)
