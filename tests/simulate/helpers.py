"""Small helpers for simulator tests: run a scenario text, build one-event scenarios."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from clausier.simulate import load_scenario
from clausier.simulate.engine import run

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = ROOT / "scenarios"


def simulate(text: str) -> dict[str, Any]:
    return dict(run(load_scenario(text, "test.yaml")))


def results(text: str, kind: str | None = None) -> list[dict[str, Any]]:
    found = simulate(text)["results"]
    return [r for r in found if kind is None or r["kind"] == kind]


def hosting(*events: str, header: str = "") -> str:
    lines = "".join(f"  - {event}\n" for event in events)
    return f"service_line: managed_hosting\n{header}events:\n{lines}"


def coaching(*events: str, header: str = "") -> str:
    lines = "".join(f"  - {event}\n" for event in events)
    return f"service_line: coaching_training\n{header}events:\n{lines}"


def clausier_cli(
    tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`clausier ...` in a subprocess, on a throwaway var dir (its own SQLite file)."""
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["CLAUSIER_VAR_DIR"] = str(tmp_path)
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        input=stdin,
        env=env,
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )
