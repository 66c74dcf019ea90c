"""The engine's run, in a child process of its own so its peak memory is its own."""

from __future__ import annotations

import asyncio
import json
import resource
import sys
import time

from bench.mix import mixed, probe
from clausier.probes import Runner, RunnerLimits, State


async def run(count: int, concurrency: int) -> dict[str, object]:
    limits = RunnerLimits(concurrency=concurrency, per_host=concurrency)
    runner = Runner(limits)
    await runner.run([probe(k) for k in mixed(300)])  # warm-up: engines, imports, caches
    probes = [probe(k) for k in mixed(count)]
    cpu_before = time.process_time()
    started = time.perf_counter()
    results = await runner.run(probes)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_before
    failures = [str(r) for r in results if r.state is not State.OK]
    return {
        "checks": count,
        "seconds": seconds,
        "failures": len(failures),
        "failure_samples": failures[:3],
        "latencies": [r.duration for r in results],
        # Below one core's worth, the engine waits on the servers, not on itself.
        "cpu_share": cpu / seconds,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    count, concurrency = int(sys.argv[1]), int(sys.argv[2])
    print(json.dumps(asyncio.run(run(count, concurrency))))


if __name__ == "__main__":
    main()
