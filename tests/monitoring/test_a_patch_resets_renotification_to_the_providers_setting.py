"""PATCH of a service: `renotify_minutes: null` resets it to "use the provider's
setting" (MonitoringPolicy), absent leaves it unchanged, and null for a field that has
no such meaning is refused with a clear error (art. 3.2 alerts; Icinga's notification
`interval`)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.monitoring.models import MonitoringPolicy
from clausier.monitoring.services.renotify import renotify_due
from clausier.notify.models import OutboxMessage
from clausier.probes.result import State
from tests.monitoring.helpers import feed, monitoring_world
from tests.monitoring.test_the_api_serves_staff_and_clients import token


def patch(client, service, body, who):
    return client.patch(
        f"/api/monitoring/services/{service.pk}",
        data=json.dumps(body),
        content_type="application/json",
        **token(who),
    )


@pytest.mark.django_db
def test_null_resets_to_the_providers_setting_and_absent_keeps_it(client):
    world = monitoring_world(timezone.now() - timedelta(hours=3))
    http = world.service("HTTP")
    assert (
        patch(client, http, {"renotify_minutes": 0}, world.engineer).json()["renotify_minutes"] == 0
    )
    kept = patch(client, http, {"max_check_attempts": 4}, world.engineer)
    assert kept.status_code == 200 and kept.json()["renotify_minutes"] == 0
    reset = patch(client, http, {"renotify_minutes": None}, world.engineer)
    assert reset.status_code == 200 and reset.json()["renotify_minutes"] is None
    http.refresh_from_db()
    assert http.renotify_minutes is None and http.max_check_attempts == 4


@pytest.mark.django_db
def test_after_the_reset_the_providers_interval_applies(client):
    start = timezone.now() - timedelta(hours=3)
    world = monitoring_world(start)
    MonitoringPolicy.objects.create(provider=world.provider, renotify_minutes=30)
    http = world.service("HTTP")
    assert patch(client, http, {"renotify_minutes": 0}, world.engineer).status_code == 200
    hard_at = feed(http, [State.OK, State.CRITICAL, State.CRITICAL, State.CRITICAL], start)
    # Off for this service: the provider's 30 minutes do not apply.
    assert renotify_due(hard_at + timedelta(minutes=31)) == 0
    assert patch(client, http, {"renotify_minutes": None}, world.engineer).status_code == 200
    # Back to the provider's setting: the reminder of the 30th minute goes out.
    assert renotify_due(hard_at + timedelta(minutes=31)) > 0
    assert OutboxMessage.objects.filter(idempotency_key__startswith="monitoring-renotify:").exists()


@pytest.mark.django_db
def test_null_for_another_field_is_a_clear_error(client):
    world = monitoring_world(timezone.now() - timedelta(hours=1))
    http = world.service("HTTP")
    refused = patch(client, http, {"check_interval": None, "enabled": None}, world.engineer)
    assert refused.status_code == 400
    assert "check_interval" in refused.json()["message"]
    assert "enabled" in refused.json()["message"]
    http.refresh_from_db()
    assert http.check_interval == 300 and http.enabled


@pytest.mark.django_db
def test_out_of_range_minutes_are_refused(client):
    world = monitoring_world(timezone.now() - timedelta(hours=1))
    http = world.service("HTTP")
    assert patch(client, http, {"renotify_minutes": -1}, world.engineer).status_code in (400, 422)
    assert patch(client, http, {"renotify_minutes": 10081}, world.engineer).status_code in (
        400,
        422,
    )
    http.refresh_from_db()
    assert http.renotify_minutes is None
