"""The support API: a client opens a ticket and an emergency, staff run the intervention;
a client may not start it (403), bad input is a 4xx, never a 500."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from clausier.accounts import services
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def bearer(person) -> dict[str, str]:
    _token, secret = services.create_api_token(now=timezone.now(), person=person, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, path, body, auth):
    return client.post(path, data=json.dumps(body), content_type="application/json", **auth)


def test_the_ticket_and_emergency_journey(client):
    w = support_world()
    admin, engineer = bearer(w["admin"]), bearer(w["engineer"])
    created = post(
        client,
        "/api/support/tickets",
        {"client_id": w["client"].pk, "subject": "Disque", "body": "Plein"},
        admin,
    )
    assert created.status_code == 201, created.content
    ticket = created.json()
    assert ticket["clock"]["clause"].startswith("Art. 5")
    reply = post(client, f"/api/support/tickets/{ticket['id']}/messages", {"body": "Vu"}, engineer)
    assert reply.status_code == 201
    got = client.get(f"/api/support/tickets/{ticket['id']}", **admin).json()
    assert got["acknowledged_at"] is not None
    note = post(
        client,
        f"/api/support/tickets/{ticket['id']}/messages",
        {"body": "interne", "internal": True},
        engineer,
    )
    assert note.status_code == 201
    thread = client.get(f"/api/support/tickets/{ticket['id']}/messages", **admin).json()
    assert [m["body"] for m in thread["items"]] == ["Plein", "Vu"]

    emergency = post(
        client,
        "/api/support/emergencies",
        {"server_id": w["server"].pk, "description": "HS"},
        admin,
    )
    assert emergency.status_code == 201, emergency.content
    eid = emergency.json()["id"]
    refused = post(client, f"/api/support/emergencies/{eid}/start", {}, admin)
    assert refused.status_code == 403
    started = post(client, f"/api/support/emergencies/{eid}/start", {}, engineer)
    assert started.status_code == 200 and started.json()["started_at"]
    twice = post(client, f"/api/support/emergencies/{eid}/start", {}, engineer)
    assert twice.status_code == 400 and twice.json()["code"] == "invalid_state"
    bad = post(client, f"/api/support/emergencies/{eid}/pause", {"reason": "coffee"}, engineer)
    assert bad.status_code == 400 and bad.json()["code"] == "invalid_reason"
    counter = client.get(f"/api/support/servers/{w['server'].pk}/quota", **admin).json()
    assert counter["used"] == 1 and counter["quota"] == 4
    logged = post(
        client, f"/api/support/servers/{w['server'].pk}/advice", {"minutes": 20}, engineer
    )
    assert logged.status_code == 201 and logged.json()["used_minutes"] == 20
    assert (
        post(
            client, f"/api/support/servers/{w['server'].pk}/advice", {"minutes": 5}, admin
        ).status_code
        == 403
    )


def test_bad_input_is_refused_cleanly(client):
    w = support_world()
    admin = bearer(w["admin"])
    empty = post(
        client,
        "/api/support/tickets",
        {"client_id": w["client"].pk, "subject": "", "body": "x"},
        admin,
    )
    assert empty.status_code == 422
    phone = post(
        client,
        "/api/support/emergencies",
        {"server_id": w["server"].pk, "description": "x", "channel": "phone"},
        admin,
    )
    assert phone.status_code == 403
    unknown = post(
        client,
        "/api/support/emergencies",
        {"server_id": w["server"].pk, "description": "x", "channel": "pigeon"},
        admin,
    )
    assert unknown.status_code == 400
