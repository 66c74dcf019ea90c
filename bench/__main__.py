"""python -m bench: the three figures of issue 4, side by side, in one run.

1. the engine: a mixed set of checks (HTTP, FTP banner, SMTP, IMAP, MySQL, SNMP);
2. the same checks the Nagios/Icinga way: one monitoring-plugins process per check,
   as many at once as there are cores;
3. the ceiling: bare asyncio connect-request-read against the same servers.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from bench import (
    coaching,
    issue5,
    monitoring,
    monitoring_alerts,
    portal,
    simulator,
    support,
    training,
)
from bench.kinds import per_kind
from bench.mix import BANNER, CEILING, Figures, mixed, plugin_command

ROOT = Path(__file__).resolve().parent.parent
# Each check is one TCP connection (SNMP aside) left in TIME_WAIT for a minute: 6,000
# per phase stays well inside the 28,000 ephemeral ports of loopback.
ENGINE_CHECKS = int(os.environ.get("BENCH_CHECKS", "6000"))
PLUGIN_CHECKS = int(os.environ.get("BENCH_PLUGIN_CHECKS", "600"))
# 50 in flight: more only overflows vsftpd's fixed listen backlog (32) and measures
# SYN retransmissions instead of probes.
CONCURRENCY = int(os.environ.get("BENCH_CONCURRENCY", "50"))
PER_KIND = int(os.environ.get("BENCH_PER_KIND", "600"))


def engine() -> Figures:
    out = subprocess.run(  # noqa: S603 -- our own interpreter and module
        [sys.executable, "-m", "bench.engine", str(ENGINE_CHECKS), str(CONCURRENCY)],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    ).stdout
    data = json.loads(out)
    print(f"    engine process used {100 * data['cpu_share']:.0f}% of one core")
    for sample in data["failure_samples"]:
        print(f"    engine, not OK: {sample}")
    return Figures(
        data["checks"], data["seconds"], data["failures"], data["latencies"], data["peak_rss_mb"]
    )


async def _plugins() -> Figures:
    slots = asyncio.Semaphore(os.cpu_count() or 1)
    latencies: list[float] = []
    failures = 0

    async def one(kind: str) -> None:
        nonlocal failures
        async with slots:
            t0 = time.perf_counter()
            process = await asyncio.create_subprocess_exec(
                *plugin_command(kind),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.DEVNULL,
            )
            code = await process.wait()
            latencies.append(time.perf_counter() - t0)
            failures += code != 0

    kinds = mixed(PLUGIN_CHECKS)
    started = time.perf_counter()
    await asyncio.gather(*(one(k) for k in kinds))
    return Figures(len(kinds), time.perf_counter() - started, failures, latencies)


async def _ceiling() -> Figures:
    slots = asyncio.Semaphore(CONCURRENCY)
    latencies: list[float] = []
    failures = 0

    async def one(kind: str) -> None:
        nonlocal failures
        async with slots:
            t0 = time.perf_counter()
            try:
                await asyncio.wait_for(CEILING[kind](), 10)
            except (OSError, EOFError, TimeoutError):
                failures += 1
            latencies.append(time.perf_counter() - t0)

    await asyncio.gather(*(one(k) for k in mixed(300)))  # warm-up, as for the engine
    latencies.clear()
    kinds = mixed(ENGINE_CHECKS)
    started = time.perf_counter()
    await asyncio.gather(*(one(k) for k in kinds))
    return Figures(len(kinds), time.perf_counter() - started, failures, latencies)


def main() -> None:
    simulator.report()  # before the probe servers start: it needs the cores, not them
    servers = str(ROOT / "scripts" / "servers")
    subprocess.run([servers, "acquire"], check=True)  # noqa: S603
    try:
        report()
    finally:
        subprocess.run([servers, "release"], check=True)  # noqa: S603
    issue5.report()
    portal.report()
    monitoring.report()
    monitoring_alerts.report()  # issue 12: hard change → SMTP accepted
    coaching.report()
    training.report()
    support.report()  # issue 13: the staff queue over 100,000 tickets, mail-in


def report() -> None:
    print(
        f"bench: {os.cpu_count()} cores, engine concurrency {CONCURRENCY}, mix "
        f"HTTP / {BANNER.upper()} banner / SMTP / IMAP / MySQL / SNMP in equal parts"
    )
    ceiling = asyncio.run(_ceiling())
    print(f"  3. ceiling (bare asyncio):        {ceiling.describe()}")
    plugins = asyncio.run(_plugins())
    print(f"  2. plugins ({os.cpu_count()} processes at once): {plugins.describe()}")
    result = engine()
    print(f"  1. engine:                        {result.describe()}")
    print(f"  engine / plugins = {result.rate / plugins.rate:.1f}x   (goal >= 6x)")
    print(f"  engine / ceiling = {100 * result.rate / ceiling.rate:.0f}%   (goal >= 60%)")
    print(f"  engine rate      = {result.rate:.0f} checks/s   (goal >= 3000)")
    print(f"  kind by kind ({PER_KIND} checks each): engine vs ceiling")
    for kind, engine_rate, ceiling_rate, failures in asyncio.run(per_kind(PER_KIND, CONCURRENCY)):
        print(
            f"    {kind:6} {engine_rate:7.0f}/s vs {ceiling_rate:7.0f}/s = "
            f"{100 * engine_rate / ceiling_rate:3.0f}%  ({failures} not OK)"
        )


if __name__ == "__main__":
    main()
