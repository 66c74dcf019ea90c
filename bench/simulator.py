"""The simulator's figures of `make bench` (issue 8), each beside its baseline.

1. Start-up: `clausier simulate` on ten-event scenarios against `python -c "import
   django; django.setup()"` with the project's settings, alternated, median of RUNS,
   schema cache warm. The goal is under 3x the baseline.
2. The first run of a code version, which migrates and writes the schema cache.
3. 10,000 events of each service line: wall time and peak RSS of the whole command
   (goal: under 15 s and 300 MB).

Every command is a child process, timed from spawn to exit, its peak RSS read from its
own rusage (os.wait4). Bytecode is written on the warm-up runs, as in any installation
(the development shell sets PYTHONDONTWRITEBYTECODE, which would time the compiler).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from bench.scenarios import scenario

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_SIMULATOR_RUNS", "5"))
BIG = int(os.environ.get("BENCH_SIMULATOR_EVENTS", "10000"))
BASELINE = "import django; django.setup()"
LINES = ("managed_hosting", "coaching_training")


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float


def _environment(var_dir: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "PYTHONDONTWRITEBYTECODE", "CLAUSIER_SIMULATION"}
    }
    env["DJANGO_SETTINGS_MODULE"] = "clausier.settings"
    env["CLAUSIER_VAR_DIR"] = str(var_dir)
    return env


def _run(args: list[str], env: dict[str, str], out: Path | None = None) -> Run:
    with (out or Path(os.devnull)).open("wb") as stdout, tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 -- our own interpreter and module
            args, cwd=ROOT, env=env, stdout=stdout, stderr=errors
        )
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        errors.seek(0)
        stderr = errors.read().decode(errors="replace")
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {process.returncode}: {stderr[-500:]}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def _simulate(path: Path) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), "simulate", str(path)]


def _median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        statistics.median(r.cpu_seconds for r in runs),
        max(r.peak_rss_mb for r in runs),
    )


def report() -> None:
    with tempfile.TemporaryDirectory(prefix="clausier-bench-") as tmp:
        directory = Path(tmp)
        env = _environment(directory / "var")
        small = {}
        for line in LINES:
            small[line] = directory / f"{line}-10.yaml"
            small[line].write_text(scenario(line, 10), encoding="utf-8")
        baseline_args = [sys.executable, "-c", BASELINE]
        _run(baseline_args, env)  # warm-up: bytecode, disk cache
        print(f"bench: simulator (issue 8), median of {RUNS} runs, {os.cpu_count()} cores")
        first = _run(_simulate(small["managed_hosting"]), env)
        print(
            f"  first run of this code version (migrates, caches the schema): {first.seconds:.2f} s"
        )
        for line in LINES:
            _run(_simulate(small[line]), env)  # warm-up
        baseline_runs: list[Run] = []
        simulate_runs: dict[str, list[Run]] = {line: [] for line in LINES}
        for _ in range(RUNS):  # alternated, so that load changes hit both alike
            baseline_runs.append(_run(baseline_args, env))
            for line in LINES:
                simulate_runs[line].append(_run(_simulate(small[line]), env))
        base = _median(baseline_runs)
        print(
            f'  baseline python -c "{BASELINE}": {base.seconds:.2f} s '
            f"(cpu {base.cpu_seconds:.2f} s)"
        )
        for line in LINES:
            ten = _median(simulate_runs[line])
            print(
                f"  clausier simulate, 10 events of {line}: {ten.seconds:.2f} s "
                f"(cpu {ten.cpu_seconds:.2f} s) = {ten.seconds / base.seconds:.2f}x the baseline"
                f" (cpu {ten.cpu_seconds / base.cpu_seconds:.2f}x; goal < 3x)"
            )
        for line in LINES:
            path = directory / f"{line}-big.yaml"
            path.write_text(scenario(line, BIG), encoding="utf-8")
            output = directory / f"{line}-big.json"
            big = _run(_simulate(path), env, output)
            kinds = Counter(r["kind"] for r in json.loads(output.read_text())["results"])
            print(
                f"  clausier simulate, {BIG:,} events of {line}: {big.seconds:.1f} s "
                f"(cpu {big.cpu_seconds:.1f} s), peak RSS {big.peak_rss_mb:.0f} MB "
                f"(goal < 15 s, < 300 MB); {kinds.total():,} results, "
                f"{kinds['invoice'] + kinds['credit_note']:,} of them invoices or credit notes"
            )


if __name__ == "__main__":
    report()
