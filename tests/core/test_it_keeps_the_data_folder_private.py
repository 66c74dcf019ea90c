"""var/ is 700, the SQLite database (and its -wal/-shm) and generated keys are 600, even
under a permissive umask (issue 9, finding 4)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_fresh_embedded_install_is_readable_by_its_account_only(tmp_path):
    var = tmp_path / "var"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "CLAUSIER_SECRET_KEYS"}
    }
    env["CLAUSIER_VAR_DIR"] = str(var)
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "migrate", "--no-input", "-v", "0"],
        env=env,
        cwd=ROOT,
        check=True,
        timeout=300,
        # The umask most systems ship: without our care the database would be 644.
        preexec_fn=lambda: os.umask(0o022),
    )
    assert mode(var) == 0o700
    database = var / "clausier.sqlite3"
    assert database.stat().st_size > 0
    files = [database, var / "secret_key", var / "secret_keys"]
    files += [p for p in var.iterdir() if p.name.startswith("clausier.sqlite3-")]
    assert {p.name: mode(p) for p in files} == {p.name: 0o600 for p in files}


def test_an_existing_open_folder_is_tightened(tmp_path):
    from clausier.core.vardir import private_dir, private_file

    var = tmp_path / "var"
    var.mkdir(mode=0o755)
    var.chmod(0o755)
    (var / "clausier.sqlite3").write_text("")
    (var / "clausier.sqlite3").chmod(0o644)
    private_dir(var)
    private_file(var / "clausier.sqlite3")
    assert mode(var) == 0o700
    assert mode(var / "clausier.sqlite3") == 0o600
