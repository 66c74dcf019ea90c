"""Engine and ceiling kind by kind: shows which server or which probe sets the pace."""

from __future__ import annotations

import asyncio
import time

from bench.mix import CEILING, KINDS, probe
from clausier.probes import Runner, RunnerLimits, State


async def per_kind(count: int, concurrency: int) -> list[tuple[str, float, float, int]]:
    """(kind, engine checks/s, ceiling checks/s, engine checks not OK) for each kind."""
    runner = Runner(RunnerLimits(concurrency=concurrency, per_host=concurrency))
    slots = asyncio.Semaphore(concurrency)

    async def bare(kind: str) -> None:
        async with slots:
            await asyncio.wait_for(CEILING[kind](), 10)

    rows = []
    for kind in KINDS:
        await runner.run([probe(kind) for _ in range(50)])  # warm-up
        started = time.perf_counter()
        results = await runner.run([probe(kind) for _ in range(count)])
        engine_rate = count / (time.perf_counter() - started)
        started = time.perf_counter()
        await asyncio.gather(*(bare(kind) for _ in range(count)), return_exceptions=True)
        ceiling_rate = count / (time.perf_counter() - started)
        failures = sum(r.state is not State.OK for r in results)
        rows.append((kind, engine_rate, ceiling_rate, failures))
    return rows
