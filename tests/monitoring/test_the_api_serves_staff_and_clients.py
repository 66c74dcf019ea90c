from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from clausier.accounts import services as accounts_services
from clausier.monitoring.models import Downtime
from clausier.probes.result import State
from tests.helpers import PASSWORD
from tests.monitoring.helpers import feed, monitoring_world


def token(person):
    _token, secret = accounts_services.create_api_token(now=timezone.now(), person=person, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, path, body, who):
    return client.post(path, data=json.dumps(body), content_type="application/json", **token(who))


@pytest.mark.django_db
def test_client_people_read_states_and_history_but_change_nothing(client):
    world = monitoring_world(timezone.now() - timedelta(minutes=10))
    http = world.service("HTTP")
    feed(
        http,
        [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL],
        timezone.now() - timedelta(minutes=5),
    )
    listing = client.get(
        f"/api/monitoring/servers/{world.server.pk}/services", **token(world.member)
    )
    assert listing.status_code == 200
    row = next(s for s in listing.json()["items"] if s["name"] == "HTTP")
    assert row["state"] == "CRITICAL" and row["state_type"] == "hard" and row["attempt"] == 3
    assert row["acknowledged"] is False
    history = client.get(
        f"/api/monitoring/services/{http.pk}/history?hard_only=true", **token(world.admin)
    )
    assert [c["state"] for c in history.json()["items"]] == ["CRITICAL", "OK"]
    refused = post(
        client,
        f"/api/monitoring/services/{http.pk}/acknowledgement",
        {"comment": "moi"},
        world.admin,
    )
    assert refused.status_code == 403
    availability = client.get(
        f"/api/monitoring/servers/{world.server.pk}/availability", **token(world.admin)
    )
    assert availability.status_code == 200 and "percent" in availability.json()


@pytest.mark.django_db
def test_staff_acknowledge_schedule_downtimes_and_tune_services(client):
    world = monitoring_world(timezone.now() - timedelta(minutes=10))
    http = world.service("HTTP")
    feed(
        http,
        [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL],
        timezone.now() - timedelta(minutes=5),
    )
    ack = post(
        client,
        f"/api/monitoring/services/{http.pk}/acknowledgement",
        {"comment": "On s'en occupe"},
        world.engineer,
    )
    assert ack.status_code == 201
    again = post(
        client,
        f"/api/monitoring/services/{http.pk}/acknowledgement",
        {"comment": "bis"},
        world.engineer,
    )
    assert again.status_code == 400 and again.json()["code"] == "already_acknowledged"
    start = datetime.now(UTC) + timedelta(days=1)
    created = post(
        client,
        f"/api/monitoring/servers/{world.server.pk}/downtimes",
        {
            "starts_at": start.isoformat(),
            "ends_at": (start + timedelta(hours=2)).isoformat(),
            "reason": "Mise à jour",
        },
        world.engineer,
    )
    assert created.status_code == 201 and Downtime.objects.count() == 1
    backwards = post(
        client,
        f"/api/monitoring/servers/{world.server.pk}/downtimes",
        {"starts_at": start.isoformat(), "ends_at": start.isoformat(), "reason": "x"},
        world.engineer,
    )
    assert backwards.status_code == 400 and Downtime.objects.count() == 1
    tuned = client.patch(
        f"/api/monitoring/services/{http.pk}",
        data=json.dumps({"params": {"port": 8080, "path": "/health"}, "max_check_attempts": 5}),
        content_type="application/json",
        **token(world.engineer),
    )
    assert tuned.status_code == 200 and tuned.json()["params"]["port"] == 8080
    bad = client.patch(
        f"/api/monitoring/services/{http.pk}",
        data=json.dumps({"params": {"prot": 1}}),
        content_type="application/json",
        **token(world.engineer),
    )
    assert bad.status_code == 400 and "prot" in bad.json()["message"]
    script = post(
        client,
        f"/api/monitoring/servers/{world.server.pk}/services",
        {
            "name": "Sauvegarde",
            "kind": "ssh_command",
            "params": {"command": "/usr/local/bin/check_backup"},
        },
        world.engineer,
    )
    assert script.status_code == 201, script.content
    duplicate = post(
        client,
        f"/api/monitoring/servers/{world.server.pk}/services",
        {"name": "HTTP", "kind": "http"},
        world.engineer,
    )
    assert duplicate.status_code == 400


@pytest.mark.django_db
def test_portal_pages_show_the_client_its_servers_only(client):
    world = monitoring_world(timezone.now() - timedelta(minutes=10))
    other = monitoring_world(timezone.now() - timedelta(minutes=10), name="SECRET-other")
    feed(world.service("HTTP"), [State.OK], timezone.now() - timedelta(minutes=1))
    assert client.login(username=world.member.email, password=PASSWORD)
    page = client.get("/supervision/")
    assert page.status_code == 200 and "www1" in page.content.decode()
    assert "SECRET-other" not in page.content.decode()
    detail = client.get(f"/supervision/serveurs/{world.server.pk}/")
    assert detail.status_code == 200 and "<svg" in detail.content.decode()
    assert client.get(f"/supervision/serveurs/{other.server.pk}/").status_code == 404


@pytest.mark.django_db
def test_status_page_tells_what_to_do_when_empty(client):
    world = monitoring_world(timezone.now())
    world.server.delete()
    assert client.login(username=world.admin.email, password=PASSWORD)
    page = client.get("/supervision/")
    assert page.status_code == 200 and "Aucun serveur" in page.content.decode()
