"""python -m bench.portal: the portal's pages under load, against the login page, same run.

`make bench` (issue 16): the embedded default (`clausier run`: waitress + SQLite) on a
fresh database with the demo and BENCH_PORTAL_INVOICES invoices for the demo client;
each page is loaded by BENCH_PORTAL_CONNECTIONS keep-alive connections for
BENCH_PORTAL_SECONDS, with the session cookie of the role that uses it, after a warm-up
of BENCH_PORTAL_WARM_UP_SECONDS per page. Each page is measured right after the login
page, BENCH_PORTAL_ROUNDS times; its share of the login page's rate is the median of
those pairs' ratios (figures: medians).

`wrk` is used when it is installed (`command -v wrk`); otherwise a small asyncio client
(below) does the same: N connections, HTTP/1.1 keep-alive, one request in flight per
connection, latency per request. The client shares the machine's cores with the server:
its figures are a floor, the same for every page, so the ratios hold.

BENCH_PORTAL_ROOT runs the server from another checkout (a `git archive` of an older
commit, for a before/after), with this checkout's interpreter.
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_PORTAL_ROOT") or Path(__file__).resolve().parent.parent)
PASSWORD = "Clausier-demo-2026"
CONNECTIONS = int(os.environ.get("BENCH_PORTAL_CONNECTIONS", "50"))
SECONDS = float(os.environ.get("BENCH_PORTAL_SECONDS", "4"))
WARM_UP_SECONDS = float(os.environ.get("BENCH_PORTAL_WARM_UP_SECONDS", "2"))
ROUNDS = int(os.environ.get("BENCH_PORTAL_ROUNDS", "3"))
INVOICES = int(os.environ.get("BENCH_PORTAL_INVOICES", "40"))
ADMIN = "admin@boulangerie-martin.example"
MEMBER = "lea@boulangerie-martin.example"
OWNER = "direction@kalanda.example"
ACCOUNTANT = "compta@kalanda.example"
# (label, who, path): who None is anonymous.
PAGES = [
    ("login page", None, "/connexion/"),
    ("client admin: home", ADMIN, "/"),
    ("client admin: invoices", ADMIN, "/factures/"),
    ("client admin: invoice", ADMIN, "/factures/{invoice}/"),
    ("client admin: subscriptions", ADMIN, "/abonnements/"),
    ("collaborator: home", MEMBER, "/"),
    ("owner: home", OWNER, "/"),
    ("owner: invoices", OWNER, "/factures/"),
    ("accountant: home", ACCOUNTANT, "/"),
]
EXTRA_INVOICES = """
from django.utils import timezone
from clausier.billing import services
from clausier.billing.models import Subscription, Invoice
s = Subscription.objects.get(client__legal_name="Boulangerie Martin SAS")
for _ in range({n}):
    s.refresh_from_db()
    services.bill_next_period(now=timezone.now(), subscription=s)
print(Invoice.objects.filter(client=s.client).order_by("pk").last().pk)
"""


@dataclass
class Result:
    requests: int
    seconds: float
    errors: int
    latencies: list[float]
    # wrk reports its own percentiles (seconds) instead of each request's latency.
    percentiles: dict[float, float] | None = None

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def p(self, q: float) -> float:
        if self.percentiles is not None:
            return self.percentiles[q] * 1000
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000 if ordered else 0.0


def _env(var: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        CLAUSIER_VAR_DIR=var,
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="clausier.settings",
        CELERY_BROKER_URL="",
    )
    return env


def _manage(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    return subprocess.run(  # noqa: S603 -- our own interpreter and manage.py
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def _free_port() -> int:
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for(port: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with closing(socket.socket()) as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    raise RuntimeError(f"the server did not listen on {port}")


def _session(base: str, email: str) -> str:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(base + "/connexion/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    data = urllib.parse.urlencode(
        {"csrfmiddlewaretoken": token[1], "email": email, "password": PASSWORD}
    ).encode()
    # http://127.0.0.1, the server started above.
    login = urllib.request.Request(base + "/connexion/", data=data, headers={"Referer": base})  # noqa: S310
    opener.open(login)
    cookies = {c.name: c.value for c in jar}
    assert "sessionid" in cookies, f"{email} could not log in"
    return "; ".join(f"{k}={v}" for k, v in cookies.items())


async def _connection(
    port: int, request: bytes, stop: float, latencies: list[float], errors: list[int]
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop:
            started = time.perf_counter()
            writer.write(request)
            head = await reader.readuntil(b"\r\n\r\n")
            length = re.search(rb"(?i)content-length:\s*(\d+)", head)
            if length is None:  # no keep-alive without a length: read to the end
                await reader.read()
                errors[0] += 1
                return
            await reader.readexactly(int(length[1]))
            latencies.append(time.perf_counter() - started)
            if not head.startswith(b"HTTP/1.1 200"):
                errors[0] += 1
    finally:
        writer.close()


async def _load(port: int, path: str, cookie: str | None, seconds: float) -> Result:
    headers = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: keep-alive"]
    if cookie:
        headers.append(f"Cookie: {cookie}")
    request = ("\r\n".join(headers) + "\r\n\r\n").encode()
    latencies: list[float] = []
    errors = [0]
    # Warm-up, not counted: half a second on a few connections.
    warm_stop = time.perf_counter() + 0.5
    await asyncio.gather(*(_connection(port, request, warm_stop, [], [0]) for _ in range(4)))
    started = time.perf_counter()
    stop = started + seconds
    await asyncio.gather(
        *(_connection(port, request, stop, latencies, errors) for _ in range(CONNECTIONS))
    )
    return Result(len(latencies), time.perf_counter() - started, errors[0], latencies)


def _wrk(base: str, path: str, cookie: str | None, seconds: float) -> Result:
    # --timeout: wrk drops (and leaves out of its percentiles) requests slower than 2 s.
    args = [
        "wrk",
        "-t2",
        f"-c{CONNECTIONS}",
        f"-d{max(1, int(seconds))}s",
        "--latency",
        "--timeout",
        "10s",
    ]
    if cookie:
        args += ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(  # noqa: S603 -- wrk from PATH
        [*args, base + path], capture_output=True, text=True, check=True
    ).stdout
    requests = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    unit = {"us": 1e-6, "ms": 1e-3, "s": 1.0}
    percentiles = {}
    for q, label in ((0.5, "50"), (0.99, "99")):
        found = re.search(label + r"%\s+([\d.]+)(us|ms|s)\b", out)
        percentiles[q] = float(found[1]) * unit[found[2]] if found else 0.0
    errors = int(non_2xx[1]) if non_2xx else 0
    return Result(requests, max(1, int(seconds)), errors, [], percentiles)


def _measure(base: str, port: int, path: str, cookie: str | None, seconds: float) -> Result:
    if shutil.which("wrk"):
        return _wrk(base, path, cookie, seconds)
    return asyncio.run(_load(port, path, cookie, seconds))


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _report_pairs(
    base: str, port: int, pages: list[tuple[str, str | None, str]], cookies: dict[str, str]
) -> None:
    """Each page right after the login page, ROUNDS times: a page's share is the median
    of its rate over the login page's just before. On a machine whose speed drifts (a
    shared or throttled host: the login page alone swung from 218 to 292 req/s within
    one pass), a ratio taken a minute apart measures the drift, not the page."""
    login_path = pages[0][2]
    rows: dict[str, list[tuple[Result, float]]] = {label: [] for label, _, _ in pages[1:]}
    logins: list[Result] = []
    for _round in range(ROUNDS):
        for label, who, path in pages[1:]:
            login = _measure(base, port, login_path, None, SECONDS)
            page = _measure(base, port, path, cookies[who] if who else None, SECONDS)
            logins.append(login)
            rows[label].append((page, page.rate / login.rate))
    print(
        f"  {'login page':30} {_median([r.rate for r in logins]):7.0f} req/s  "
        f"p50 {_median([r.p(0.5) for r in logins]):6.0f} ms  "
        f"p99 {_median([r.p(0.99) for r in logins]):6.0f} ms  "
        f"(min {min(r.rate for r in logins):.0f}, max {max(r.rate for r in logins):.0f} req/s)"
    )
    for label, measured in rows.items():
        results = [result for result, _ in measured]
        errors = sum(result.errors for result in results)
        print(
            f"  {label:30} {_median([r.rate for r in results]):7.0f} req/s  "
            f"p50 {_median([r.p(0.5) for r in results]):6.0f} ms  "
            f"p99 {_median([r.p(0.99) for r in results]):6.0f} ms  "
            f"{100 * _median([share for _, share in measured]):4.0f}% of login"
            + (f"  ({errors} not 200)" if errors else "")
        )


def report() -> None:
    tool = "wrk" if shutil.which("wrk") else "asyncio client (wrk is not installed)"
    with tempfile.TemporaryDirectory(prefix="clausier-portal-bench-") as var:
        env = _env(var)
        _manage(env, "migrate", "-v0")
        _manage(env, "demo")
        invoice = _manage(env, "shell", stdin=EXTRA_INVOICES.format(n=INVOICES)).split()[-1]
        port = _free_port()
        # The server's log goes to a file: a pipe nobody reads until the end fills up
        # (64 KiB) and blocks the server's threads on their next log line.
        log_path = Path(var) / "server.log"
        log = log_path.open("w")
        server = subprocess.Popen(  # noqa: S603 -- our own interpreter and manage.py
            [sys.executable, str(ROOT / "manage.py"), "run", "--port", str(port)],
            env={**env, "LOG_LEVEL": "WARNING"},
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
        try:
            _wait_for(port)
            base = f"http://127.0.0.1:{port}"
            cookies = {who: _session(base, who) for who in {w for _, w, _ in PAGES if w}}
            print(
                f"bench: portal pages, {CONNECTIONS} connections x {SECONDS:.0f} s each, "
                f"{ROUNDS} rounds of (login page, page), "
                f"{INVOICES + 1} invoices for the demo client, {os.cpu_count()} cores, {tool}"
            )
            pages = [(label, who, path.format(invoice=invoice)) for label, who, path in PAGES]
            # Warm-up, not counted: every page once under load, so that the server's
            # start (the scheduler's first jobs, the monitor's first round of the demo's
            # checks, each thread's first queries) is over before measuring.
            for _label, who, path in pages:
                _measure(base, port, path, cookies[who] if who else None, WARM_UP_SECONDS)
            _report_pairs(base, port, pages, cookies)
        finally:
            server.terminate()
            server.wait(timeout=30)
            log.close()
        stderr = log_path.read_text()
        warnings = stderr.count("Task queue depth")
        print(f"  server log: {warnings} 'Task queue depth' warnings, {len(stderr)} bytes")


if __name__ == "__main__":
    report()
