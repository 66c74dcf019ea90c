"""`make run` in miniature: migrate, load the demo, start `clausier run`, log in as the
printed demo logins over real HTTP, on a fresh SQLite database."""

from __future__ import annotations

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clausier(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        timeout=300,
    )
    return result.stdout


def login(base: str, email: str, password: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{base}/connexion/").read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert csrf, page
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": csrf.group(1), "email": email, "password": password}
    )
    response = opener.open(f"{base}/connexion/", data=data.encode())
    return response.read().decode()


def test_the_demo_logins_printed_by_make_run_work(tmp_path):
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    port, mail_port = free_port(), free_port()
    env.update(
        CLAUSIER_VAR_DIR=str(tmp_path),
        CLAUSIER_PORT=str(port),
        EMAIL_PORT=str(mail_port),
        CLAUSIER_MAILCATCHER="1",
    )
    clausier(env, "migrate", "--no-input", "-v", "0")
    printed = clausier(env, "demo")
    assert clausier(env, "demo") == printed  # idempotent
    logins = re.findall(r"^\s+(\S+@\S+)\s", printed, re.M)
    password = re.search(r"password for all: (\S+)\)", printed).group(1)
    # 15, the content demo's client (clausier/demo/content.py) and the coaching demo's
    # Berlin coach (clausier/demo/coaching.py)
    assert len(logins) == 18

    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/connexion/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        assert "Connexion" in urllib.request.urlopen(f"{base}/connexion/").read().decode()
        for email in (
            "direction@kalanda.example",
            "admin@boulangerie-martin.example",
            "coach@kestio.example",
            "lea@atelier-durand.example",
            "nina@studio-lambert.example",
        ):
            assert email in logins
            home = login(base, email, password)
            assert "Se déconnecter" in home, email
        assert "Clausier API" in urllib.request.urlopen(f"{base}/api/openapi.json").read().decode()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
