"""Art. 7.3 outages through the API and the staff page: the same service (permission,
audit, trainings extended at once); bad input answers 400/422 with a message, never 500;
outsiders are refused."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clausier.coaching.models import ServiceInterruption
from clausier.core.models import AuditEntry
from clausier.training import access
from tests.training.test_api_signs_and_settles import bearer
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, PARIS, training_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 30, 12, tzinfo=PARIS)
BODY = {
    "starts_at": "2026-03-16T09:00:00+01:00",
    "ends_at": "2026-03-19T09:00:00+01:00",  # 72 business hours: past the 48 of art. 7.3
    "scope": "Application web",
    "cause": "Panne de l'hébergeur",
}


@pytest.fixture
def w():
    world = training_world()
    world["training"].access_days = 30
    world["training"].save()
    world["enrolment"] = quote_of(world, world["alice"]).enrolments.get()
    return world


def post(client, who, body):
    return client.post(
        "/api/interruptions/outages",
        data=json.dumps(body),
        content_type="application/json",
        **bearer(who),
    )


def test_staff_record_an_outage_through_the_api_and_trainees_get_the_days(client, w):
    with time_machine.travel(NOW, tick=False):
        response = post(client, w["owner"], {"provider_id": w["provider"].pk, **BODY})
        assert response.status_code == 201, response.content
        assert response.json()["training_extensions"] == 1
        listed = client.get("/api/interruptions", **bearer(w["alice"])).json()
    assert [row["scope"] for row in listed["items"]] == ["Application web"]
    assert access.window(w["enrolment"]).closes_at == FIRST_START + timedelta(days=33)
    assert AuditEntry.objects.filter(action="coaching.outage_recorded").count() == 1


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"ends_at": "2026-03-16T08:00:00+01:00"}, 400),
        ({"ends_at": "2026-04-30T09:00:00+02:00"}, 400),  # not over yet
        ({"starts_at": "2026-03-16T09:00:00"}, 422),  # no time zone
        ({"starts_at": "hier"}, 422),
        ({"cause": ""}, 400),
    ],
)
def test_bad_outages_get_a_clear_error(client, w, change, status):
    with time_machine.travel(NOW, tick=False):
        response = post(client, w["owner"], {"provider_id": w["provider"].pk, **BODY, **change})
    assert response.status_code == status, response.content
    assert response.json()
    assert not ServiceInterruption.objects.exists()


@pytest.mark.parametrize("who", ["admin", "coach"])
def test_clients_and_coaches_cannot_record_outages(client, w, who):
    with time_machine.travel(NOW, tick=False):
        response = post(client, w[who], {"provider_id": w["provider"].pk, **BODY})
    assert response.status_code in (403, 404)
    assert not ServiceInterruption.objects.exists()


def test_the_staff_page_records_an_outage_and_lists_it(client, w):
    client.force_login(w["owner"])
    url = reverse("portal:training_interruptions")
    with time_machine.travel(NOW, tick=False):
        empty = client.get(url)
        assert "Aucune interruption enregistrée" in empty.content.decode()
        bad = client.post(url, {"outage-provider": w["provider"].pk, "outage-starts_at": "x"})
        assert bad.status_code == 400
        done = client.post(
            url,
            {
                "kind": "outage",
                "outage-provider": w["provider"].pk,
                "outage-starts_at": "2026-03-16T09:00",
                "outage-ends_at": "2026-03-19T09:00",
                "outage-scope": "Application web",
                "outage-cause": "Panne",
            },
            follow=True,
        )
    page = done.content.decode()
    assert "Application web" in page and "art. 7.3" in page
    assert access.window(w["enrolment"]).closes_at == FIRST_START + timedelta(days=33)


def test_the_page_is_not_for_clients_or_coaches(client, w):
    for who in ("admin", "alice", "coach"):
        client.force_login(w[who])
        assert client.get(reverse("portal:training_interruptions")).status_code == 404
