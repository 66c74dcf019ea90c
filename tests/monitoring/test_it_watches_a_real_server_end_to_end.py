"""End to end on loopback: a real nginx (the Debian binary scripts/servers installs) is
stopped, the monitor's rounds make it a HARD problem after max_check_attempts, the alert
reaches a real SMTP server through the outbox; nginx restarts, the recovery follows.

The nginx is a private instance on a free port (not the shared one of scripts/servers,
which other test processes use at the same time), started and stopped by this test."""

from __future__ import annotations

import socket
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from clausier.monitoring.models import StateChange
from clausier.monitoring.monitor import check_now
from clausier.notify.services import deliver_due
from tests.monitoring.helpers import monitoring_world
from tests.probes.servers import start_servers

NGINX = "/usr/sbin/nginx"
pytestmark = [pytest.mark.servers]


def ensure_nginx() -> None:
    """Install the Debian nginx when missing (scripts/servers installs the test servers'
    packages, then starts its shared nginx, which this test leaves alone): on a fresh
    machine the test runs, it is never skipped."""
    if not Path(NGINX).exists():
        start_servers("nginx")


CONF = """worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/error.log warn;
daemon off;
events {{ worker_connections 64; }}
http {{
    access_log off;
    client_body_temp_path {dir}/body;
    proxy_temp_path {dir}/proxy;
    fastcgi_temp_path {dir}/fastcgi;
    uwsgi_temp_path {dir}/uwsgi;
    scgi_temp_path {dir}/scgi;
    server {{
        listen 127.0.0.1:{port};
        location = /ok {{ return 200 "clausier ok\\n"; }}
    }}
}}
"""


class PrivateNginx:
    def __init__(self, folder: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.folder = folder
        (folder / "conf").write_text(CONF.format(dir=folder, port=self.port))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [NGINX, "-p", str(self.folder), "-c", str(self.folder / "conf")]
        )
        for _ in range(100):
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise RuntimeError("private nginx did not start")

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def nginx(tmp_path):
    ensure_nginx()
    server = PrivateNginx(tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.mark.django_db(transaction=True)
def test_stopping_nginx_alerts_after_max_attempts_and_restarting_it_recovers(nginx, smtp_server):
    start = timezone.now()
    world = monitoring_world(start - timedelta(minutes=1))
    world.server.services.exclude(name="HTTP").update(enabled=False)
    http = world.service("HTTP")
    http.params = {"port": nginx.port, "path": "/ok", "expect_string": "clausier ok"}
    http.max_check_attempts, http.retry_interval, http.check_interval = 3, 5, 10
    http.next_check_at = start
    http.save()

    rounds = iter(range(1, 100))

    def round_() -> None:
        assert check_now(start + timedelta(minutes=next(rounds))) == 1

    round_()
    http.refresh_from_db()
    assert http.output.startswith("HTTP OK") and http.last_hard_state == 0

    nginx.stop()
    for _ in range(2):
        round_()
    http.refresh_from_db()
    assert (http.state, http.state_type, http.attempt) == (2, "soft", 2)
    deliver_due(timezone.now())
    assert smtp_server.messages == []
    round_()
    http.refresh_from_db()
    assert (http.state_type, http.last_hard_state) == ("hard", 2)
    assert "Connection refused" in http.output
    deliver_due(timezone.now())
    problem = [m for m in smtp_server.messages if "PROBLÈME" in m["Subject"]]
    assert sorted(m["To"] for m in problem) == sorted(
        [world.admin.email, world.member.email, world.provider.support_email]
    )
    assert "Art. 3.2" in problem[0].get_content()

    nginx.start()
    round_()
    deliver_due(timezone.now())
    recovery = [m for m in smtp_server.messages if "RÉTABLI" in m["Subject"]]
    assert len(recovery) == 3 and len(smtp_server.messages) == 6
    hard = StateChange.objects.filter(service=http, hard=True).values_list("hard_state", flat=True)
    assert list(hard.order_by("at")) == [0, 2, 0]
