"""Creating a training (a catalogue entry) from the portal and the API: owners and coaches
only, the same service (`create_training`: `full_clean`, audit `training.created`); bad
input is a 400 with the form or a 422/400 with the field, never a 500 nor a row."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.core.models import AuditEntry
from clausier.training.models import Training
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.world import training_world

pytestmark = pytest.mark.django_db

FORM = {
    "title": "Prise de parole",
    "objectives": "Parler en public sans notes",
    "programme": "Matin : la voix. Après-midi : le plan.",
    "prerequisites": "",
    "duration_hours": "7.00",
    "modality": "on_site",
    "nature": "training",
    "price_ht": "1200.00",
    "pricing": "per_participant",
    "access_days": "90",
}


def test_an_owner_creates_a_training_from_the_portal(client):
    w = training_world()
    client.force_login(w["owner"])
    page = client.get("/formations/catalogue/nouvelle/")
    assert page.status_code == 200 and "Créer une formation" in page.content.decode()
    done = client.post(
        "/formations/catalogue/nouvelle/", FORM | {"provider": w["provider"].pk}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/formations/sessions/nouvelle/"
    assert "« Prise de parole » créée" in done.content.decode()
    training = Training.objects.get(title="Prise de parole")
    assert training.provider == w["provider"] and training.duration_hours == Decimal("7.00")
    entry = AuditEntry.objects.get(action="training.created", object_id=str(training.pk))
    assert entry.actor == w["owner"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("title", ""),
        ("duration_hours", "0"),
        ("duration_hours", "0.49"),
        ("duration_hours", "abc"),
        ("price_ht", "-1"),
        ("modality", "moon"),
        ("access_days", "0"),
        ("objectives", ""),
    ],
)
def test_bad_input_answers_400_with_the_form_and_creates_nothing(client, field, value):
    w = training_world()
    client.force_login(w["owner"])
    page = client.post(
        "/formations/catalogue/nouvelle/", FORM | {"provider": w["provider"].pk, field: value}
    )
    assert page.status_code == 400
    assert 'class="errorlist' in page.content.decode()
    assert not Training.objects.filter(title=FORM["title"]).exists()


def test_the_half_hour_minimum_is_accepted_at_its_boundary(client):
    w = training_world()
    client.force_login(w["coach"])
    client.post(
        "/formations/catalogue/nouvelle/",
        FORM | {"provider": w["provider"].pk, "duration_hours": "0.50"},
    )
    assert Training.objects.get(title=FORM["title"]).duration_hours == Decimal("0.50")


def test_others_cannot_create(client):
    w = training_world()
    for person in (w["accountant"], w["admin"], w["alice"]):
        client.force_login(person)
        assert client.get("/formations/catalogue/nouvelle/").status_code in (403, 404)
        response = client.post(
            "/formations/catalogue/nouvelle/", FORM | {"provider": w["provider"].pk}
        )
        assert response.status_code in (403, 404)
    assert not Training.objects.filter(title=FORM["title"]).exists()


def test_the_api_creates_with_the_same_service(client):
    w = training_world()
    body = {k: v for k, v in FORM.items() if k != "access_days"} | {
        "provider_id": w["provider"].pk,
        "access_days": 120,
    }
    assert post(client, "/api/training/trainings", bearer(w["admin"]), body).status_code == 404
    accountant = post(client, "/api/training/trainings", bearer(w["accountant"]), body)
    assert accountant.status_code == 403
    created = post(client, "/api/training/trainings", bearer(w["coach"]), body)
    assert created.status_code == 201, created.content
    assert created.json()["access_days"] == 120 and created.json()["price_ht"] == "1200.00"
    assert AuditEntry.objects.filter(action="training.created", actor=w["coach"]).exists()
    listed = client.get("/api/training/trainings", **bearer(w["owner"])).json()["items"]
    assert {t["title"] for t in listed} == {"Manager coach", "Prise de parole"}
    for field, value in (("duration_hours", "0"), ("modality", "moon"), ("title", "")):
        bad = post(client, "/api/training/trainings", bearer(w["coach"]), body | {field: value})
        assert bad.status_code == 422, (field, bad.content)
