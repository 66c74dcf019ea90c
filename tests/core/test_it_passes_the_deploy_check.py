"""`check --deploy` is clean with the production environment documented in
docs/configuration.md (issue 9, finding 10); the block is read from the doc itself, so
the doc and the settings cannot drift apart."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

ROOT = Path(__file__).resolve().parents[2]


def documented_production_environment() -> dict[str, str]:
    doc = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    block = re.search(
        r"<!-- production-environment -->\s*```sh\n(.*?)```\s*<!-- /production-environment -->",
        doc,
        re.S,
    )
    assert block, "docs/configuration.md lost its production environment block"
    pairs = [line.split("=", 1) for line in block.group(1).splitlines() if "=" in line]
    return {name.strip(): value.strip() for name, value in pairs}


def check_deploy(tmp_path: Path, overrides: dict[str, str] | None = None) -> tuple[int, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SECURE_", "SESSION_", "CSRF_", "DJANGO_"))
        and k not in {"DATABASE_URL", "SECRET_KEY", "CLAUSIER_SECRET_KEYS", "DEBUG"}
    }
    env.update(documented_production_environment())
    # The documented files, made for real in the test's own folder.
    secret_key = tmp_path / "clausier_secret_key"
    secret_key.write_text(Fernet.generate_key().decode() * 2)
    keys = tmp_path / "clausier_secret_keys"
    keys.write_text(Fernet.generate_key().decode() + "\n")
    env.update(
        SECRET_KEY_FILE=str(secret_key),
        CLAUSIER_SECRET_KEYS_FILE=str(keys),
        CLAUSIER_VAR_DIR=str(tmp_path / "var"),
    )
    env.update(overrides or {})
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.returncode, result.stdout + result.stderr


def test_the_documented_production_environment_passes_check_deploy(tmp_path):
    code, output = check_deploy(tmp_path)
    assert code == 0, output
    assert "System check identified no issues (0 silenced)." in output


def test_the_check_fails_when_a_documented_setting_is_missing(tmp_path):
    code, output = check_deploy(tmp_path, {"SECURE_HSTS_SECONDS": "0"})
    assert code != 0
    assert "security.W004" in output


def test_production_refuses_to_start_without_its_encryption_keys(tmp_path):
    code, output = check_deploy(tmp_path, {"CLAUSIER_SECRET_KEYS_FILE": ""})
    assert code != 0
    assert "CLAUSIER_SECRET_KEYS (or CLAUSIER_SECRET_KEYS_FILE) is required" in output
