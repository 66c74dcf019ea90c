"""Evaluations through the API (Qualiopi indicator 30): staff send a session's due
evaluations at once (hot from the last half-day's end: the minute before is refused, the
end itself sends), each participant once; staff read the results with the comments, a
client's admins their own trainees' means only (art. 23)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.training import evaluations
from clausier.training.models import Evaluation
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import training_world

pytestmark = pytest.mark.django_db

ANSWERS = {"objectives": "5", "content": "4", "trainer": "5", "organisation": "3", "recommend": "4"}


def _last_end(w):
    return w["session"].slots.order_by("-ends_at").first().ends_at


def test_staff_send_the_hot_evaluation_from_the_end_of_the_session(client):
    w = training_world()
    quote_of(w)
    path = f"/api/training/sessions/{w['session'].pk}/evaluations"
    end = _last_end(w)
    with time_machine.travel(end - timedelta(minutes=1), tick=False):
        early = post(client, path, bearer(w["owner"]))
    assert early.status_code == 400 and early.json()["code"] == "not_ended"
    with time_machine.travel(end, tick=False):
        assert post(client, path, bearer(w["admin"])).status_code == 403
        assert post(client, path, bearer(w["coach"])).json() == {"sent": 2}
        assert post(client, path, bearer(w["coach"])).json() == {"sent": 0}
    assert set(Evaluation.objects.values_list("kind", flat=True)) == {"hot"}
    assert OutboxMessage.objects.filter(template="training_evaluation").count() == 2
    # The hourly job then sends nothing twice.
    assert evaluations.run(end + timedelta(hours=1)) == 0
    entry = AuditEntry.objects.filter(action="training.evaluations_sent").first()
    assert entry is not None and entry.details["clause"] == "Qualiopi, indicateur 30"


def test_results_for_staff_and_for_the_client_admin(client):
    w = training_world()
    quote_of(w)
    end = _last_end(w)
    evaluations.run(end)
    for n, evaluation in enumerate(Evaluation.objects.order_by("pk")):
        evaluations.answer(
            now=end, evaluation=evaluation, data=ANSWERS | {"comment": f"Avis nominatif {n}"}
        )
    staff = client.get("/api/training/evaluations", **bearer(w["owner"])).json()["items"]
    whole = [r for r in staff if r["session_id"] is None]
    assert whole[0]["scope"] == "provider" and whole[0]["answered"] == 2
    assert whole[0]["averages"][0] == {
        "key": "objectives",
        "question": "Les objectifs de la formation sont atteints",
        "average": "5.0",
    }
    assert sorted(whole[0]["comments"]) == ["Avis nominatif 0", "Avis nominatif 1"]
    mine = client.get("/api/training/evaluations", **bearer(w["admin"])).json()["items"]
    assert {r["scope"] for r in mine} == {"client"}
    # Two answers: fewer than 3, so no mean and no comment reach the employer.
    assert all(r["withheld"] and not r["comments"] for r in mine)
    assert all(a["average"] is None for r in mine for a in r["averages"])
    assert "nominatif" not in str(mine)
    member = client.get("/api/training/evaluations", **bearer(w["alice"])).json()["items"]
    assert member == []
