"""Several web workers share one count: failures made in one process lock the account in
another (the count lives in the database, not in a process's memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Run inside a separate `manage.py shell`: logins through the real middleware and views.
ATTEMPTS = """
import json, sys
from django.test import Client
from clausier.accounts.models import Person
email, password, count = "lea@boulangerie.example", sys.argv[-2], int(sys.argv[-1])
if not Person.objects.filter(email=email).exists():
    Person.objects.create_superuser(email, "Le-bon-mot-de-passe-42")
client = Client()
statuses = [
    client.post("/connexion/", {"email": email, "password": password},
                REMOTE_ADDR="203.0.113.7").status_code
    for _ in range(count)
]
print(json.dumps(statuses))
"""


def run(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout


def attempts(env: dict[str, str], password: str, count: int) -> list[int]:
    script = ATTEMPTS.replace("sys.argv[-2]", repr(password)).replace("sys.argv[-1]", str(count))
    out = run(env, "shell", "-c", script)
    return list(json.loads(out.strip().splitlines()[-1]))


def test_failures_in_one_process_lock_the_account_in_another(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(CLAUSIER_VAR_DIR=str(tmp_path), LOGIN_MAX_FAILURES="3", LOG_LEVEL="ERROR")
    run(env, "migrate", "--no-input", "-v", "0")
    assert attempts(env, "nope", 2) == [400, 400]  # first worker
    assert attempts(env, "nope", 1) == [429]  # second worker: the third failure overall
    assert attempts(env, "Le-bon-mot-de-passe-42", 1) == [429]  # a third one
