from __future__ import annotations

import pytest

from clausier.demo.data import load_demo
from clausier.monitoring.models import ManagedServer
from clausier.monitoring.monitor import check_now


@pytest.mark.django_db(transaction=True)
def test_the_demo_server_is_watched_on_loopback_with_one_failing_check():
    load_demo()
    load_demo()  # idempotent
    server = ManagedServer.objects.get(name="www-demo")
    enabled = {s.name: s for s in server.services.filter(enabled=True)}
    assert set(enabled) == {"Ping", "HTTP", "SMTP", "FTP"}
    check_now()
    ftp = server.services.get(name="FTP")
    assert ftp.state == 2 and ftp.state_type == "soft" and "refused" in ftp.output.lower()
