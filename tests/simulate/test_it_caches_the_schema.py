"""`clausier simulate` migrates its in-memory database once per code version: the image
is cached, keyed by the migration files, written atomically and checked when read; a
damaged or unwritable cache only costs a migration."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from clausier.simulate import schema
from tests.simulate.helpers import SCENARIOS, clausier_cli

GOOD = SCENARIOS / "managed_hosting" / "ticket_ack.yaml"


def images(var_dir: Path) -> list[Path]:
    return sorted((var_dir / "cache").glob("*"))


def run(var_dir: Path) -> subprocess.CompletedProcess[str]:
    done = clausier_cli(var_dir, "simulate", "-v", "2", str(GOOD))
    assert done.returncode == 0, done.stderr
    return done


def test_it_keys_the_image_by_the_bytes_of_the_migration_files(
    tmp_path: Path, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    package = tmp_path / "keyed_migrations"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    migration = package / "0001_initial.py"
    migration.write_text("operations = []\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    before = schema.schema_key()
    settings.MIGRATION_MODULES = {"core": "keyed_migrations"}
    first = schema.schema_key()
    assert schema.schema_key() == first
    migration.write_text("operations = []  # changed\n", encoding="utf-8")
    assert schema.schema_key() not in (before, first)


def test_it_reads_back_what_it_wrote_and_keeps_one_image(tmp_path: Path) -> None:
    old = tmp_path / "schema-old.sqlite3"
    old.write_bytes(b"an image of another code version")
    path = tmp_path / "schema-new.sqlite3"
    assert schema._write_image(path, b"SQLite format 3\x00 and pages")
    assert schema._read_image(path) == b"SQLite format 3\x00 and pages"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["schema-new.sqlite3"]


def test_it_ignores_a_truncated_or_altered_image(tmp_path: Path) -> None:
    path = tmp_path / "schema-k.sqlite3"
    assert schema._write_image(path, b"x" * 1000)
    whole = path.read_bytes()
    path.write_bytes(whole[:-1])
    assert schema._read_image(path) is None
    path.write_bytes(whole[:-1] + b"y")
    assert schema._read_image(path) is None
    path.write_bytes(b"")
    assert schema._read_image(path) is None


def test_an_unwritable_directory_leaves_nothing_behind(tmp_path: Path) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the directory should be", encoding="utf-8")
    assert not schema._write_image(blocker / "schema-k.sqlite3", b"image")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cache"]


def test_the_second_run_loads_the_cached_schema_and_prints_the_same(tmp_path: Path) -> None:
    first = run(tmp_path)
    assert "schema migrated, then cached" in first.stderr
    [image] = images(tmp_path)
    second = run(tmp_path)
    assert "schema loaded from the cache" in second.stderr
    assert second.stdout == first.stdout
    assert images(tmp_path) == [image]


def test_a_damaged_image_is_rebuilt(tmp_path: Path) -> None:
    run(tmp_path)
    [image] = images(tmp_path)
    image.write_bytes(image.read_bytes()[:4096])
    rebuilt = run(tmp_path)
    assert "schema migrated, then cached" in rebuilt.stderr
    assert schema._read_image(image) is not None


def test_an_unwritable_cache_still_simulates(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("not a directory", encoding="utf-8")
    done = run(tmp_path)
    assert "schema migrated (cache not writable)" in done.stderr
    expected = json.loads(GOOD.with_suffix(".expected.json").read_text(encoding="utf-8"))
    assert json.loads(done.stdout)["results"] == expected["results"]
    assert (tmp_path / "cache").is_file()


def test_concurrent_first_runs_all_succeed_and_leave_one_whole_image(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["CLAUSIER_VAR_DIR"] = str(tmp_path)
    processes = [
        subprocess.Popen(
            [sys.executable, str(root / "manage.py"), "simulate", str(GOOD)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    outputs = [process.communicate(timeout=300) for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], outputs
    assert len({stdout for stdout, _stderr in outputs}) == 1
    [image] = images(tmp_path)
    assert image.name.startswith("schema-") and schema._read_image(image) is not None
