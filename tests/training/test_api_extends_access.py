"""Access extensions through the API (art. 7.2.1, 7.3, 7.4): staff extend a participant's
access with a reason and a clause, the window moves by exactly those days, the participant
reads it; others are refused; bad input is a 422/400, never a 500."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine

from clausier.core.models import AuditEntry
from clausier.training import access
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, ORDERED, training_world

pytestmark = pytest.mark.django_db


def test_staff_extend_and_the_participant_reads_the_new_window(client):
    w = training_world()
    alice = quote_of(w).enrolments.get(participant=w["alice"])
    before = access.window(alice).closes_at
    path = f"/api/training/enrolments/{alice.pk}/access-extensions"
    body = {"days": 3, "reason": "Panne plateforme du 2 au 6", "clause": "7.3"}
    with time_machine.travel(ORDERED, tick=False):
        assert post(client, path, bearer(w["admin"]), body).status_code == 403
        assert post(client, path, bearer(w["alice"]), body).status_code == 403
        done = post(client, path, bearer(w["owner"]), body)
    assert done.status_code == 201, done.content
    closes = datetime.fromisoformat(done.json()["closes_at"])
    assert closes == before + timedelta(days=3)
    assert done.json()["extensions"][0]["clause"] == "Art. 7.3"
    read = client.get(f"/api/training/enrolments/{alice.pk}/access", **bearer(w["alice"]))
    assert read.status_code == 200 and read.json()["extended_days"] == 3
    entry = AuditEntry.objects.get(action="training.access_extended")
    assert entry.details["clause"] == "Art. 7.3" and entry.details["days"] == 3


def test_the_access_closes_at_the_same_local_hour_across_dst(client):
    """9 March + access days crosses the 29 March 2026 DST change: still 09:00 in Paris."""
    w = training_world()
    alice = quote_of(w).enrolments.get(participant=w["alice"])
    with time_machine.travel(ORDERED, tick=False):
        done = post(
            client,
            f"/api/training/enrolments/{alice.pk}/access-extensions",
            bearer(w["owner"]),
            {"days": 30, "reason": "Maintenance", "clause": "7.4"},
        )
    closes = datetime.fromisoformat(done.json()["closes_at"])
    assert closes.astimezone(FIRST_START.tzinfo).hour == FIRST_START.hour


def test_bad_extensions_are_refused_clearly(client):
    w = training_world()
    alice = quote_of(w).enrolments.get(participant=w["alice"])
    path = f"/api/training/enrolments/{alice.pk}/access-extensions"
    owner = bearer(w["owner"])
    for body in (
        {"days": 0, "reason": "x"},
        {"days": 366, "reason": "x"},
        {"days": 2, "reason": ""},
        {"days": 2, "reason": "x", "clause": "9.9"},
        {"days": "many", "reason": "x"},
    ):
        response = post(client, path, owner, body)
        assert response.status_code == 422, (body, response.content)
    blank = post(client, path, owner, {"days": 2, "reason": "   "})
    assert blank.status_code == 400 and blank.json()["code"] == "reason_required"
    assert not AuditEntry.objects.filter(action="training.access_extended").exists()
