"""POST /api/overage-agreements/{id}/accept: the client admin's agreement (art. 5)."""

from __future__ import annotations

import pytest
from django.test import Client

from clausier.core.models import AuditEntry
from tests.api.world import build_world

pytestmark = pytest.mark.django_db


def accept(client: Client, world, who: str):
    return client.post(
        f"/api/overage-agreements/{world.agreement_a1.pk}/accept",
        HTTP_AUTHORIZATION=f"Bearer {world.secrets[who]}",
    )


def test_the_client_admin_accepts_once_and_the_record_says_who_and_when(client: Client) -> None:
    world = build_world()
    response = accept(client, world, "admin_a1")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["accepted_at"] is not None and body["hourly_rate"] == "129.00"
    world.agreement_a1.refresh_from_db()
    assert world.agreement_a1.accepted_by == world.people["admin_a1"]
    assert AuditEntry.objects.filter(action="overage.accepted").count() == 1
    again = accept(client, world, "admin_a1")
    assert again.status_code == 400 and "already_accepted" in again.content.decode()


def test_the_provider_cannot_accept_on_the_clients_behalf(client: Client) -> None:
    world = build_world()
    assert accept(client, world, "owner_a").status_code == 403
    world.agreement_a1.refresh_from_db()
    assert world.agreement_a1.accepted_at is None
