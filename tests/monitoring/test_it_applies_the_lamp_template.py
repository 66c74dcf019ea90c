from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection

from clausier.monitoring.checks import LAMP_TEMPLATE, CheckError, validate_params
from clausier.monitoring.services.inventory import apply_lamp_template, probe_for
from tests.monitoring.helpers import monitoring_world

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.mark.django_db
def test_a_new_server_gets_every_service_of_article_3_2():
    world = monitoring_world(NOW)
    services = world.server.services.all()
    assert sorted(s.name for s in services) == sorted(t.name for t in LAMP_TEMPLATE)
    kinds = {s.kind for s in services}
    assert {
        "ping",
        "http",
        "smtp",
        "ftp",
        "pop3",
        "imap",
        "mysql",
        "snmp_load",
        "snmp_traffic",
        "snmp_storage",
        "snmp_web_connections",
        "snmp_mailq",
        "snmp_cpu",
    } <= kinds
    assert [s.name for s in services if s.is_host_check] == ["Ping"]
    assert {s.name for s in services if s.escalate_in_hno} == {"Ping", "HTTP"}
    for service in services:
        # First checks spread over the interval, never all at creation time.
        assert NOW <= service.next_check_at < NOW + timedelta(seconds=service.check_interval)
        probe_for(service)  # every template entry builds its probe
    assert len({s.next_check_at for s in services}) == len(services)


@pytest.mark.django_db
def test_applying_the_template_again_adds_nothing():
    world = monitoring_world(NOW)
    assert apply_lamp_template(world.server, NOW) == []


@pytest.mark.django_db
def test_credentials_are_encrypted_at_rest_and_reach_the_probe():
    world = monitoring_world(NOW, snmp_community="s3cret-community")
    with connection.cursor() as cursor:
        cursor.execute(
            "select snmp_community from monitoring_managedserver where id = %s", [world.server.pk]
        )
        (stored,) = cursor.fetchone()
    assert "s3cret" not in stored
    probe = probe_for(world.service("Load"))
    assert probe.auth.community == "s3cret-community"


def test_parameters_are_validated_per_kind():
    assert validate_params("http", {"port": 8080, "path": "/ok", "expect_string": "ok"})
    with pytest.raises(CheckError, match="unknown parameter"):
        validate_params("http", {"prot": 80})
    with pytest.raises(CheckError, match="unknown parameter"):
        validate_params("snmp_load", {"auth": "x"})  # credentials come from the server
    with pytest.raises(CheckError):
        validate_params("nope", {})
    with pytest.raises(CheckError):
        validate_params("http", ["port"])
