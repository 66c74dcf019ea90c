"""Art. 5 and 7: interventions that immobilise the system get a date agreed with the
client (staff propose slots, the client accepts one; an out-of-hours slot only with the
client's acceptance of its possible bill); a failure found to be the client's mistake
or not the servers' is recorded with the moment the client was told, earns no GTR credit
and is billable only after the client's agreement; an intervention started outside
office hours is flagged and billable only after the client accepts. Boundaries: 9:00 and
18:00 in Paris, a holiday, the spring DST change."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils.timezone import now as timezone_now

from clausier.core.errors import DomainError
from clausier.core.models import AuditEntry
from clausier.support.models import Channel, CreditKind, FaultKind, ServerCredit
from clausier.support.services import emergencies, plans
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def w():
    return support_world()


def _started(w, contact, start):
    row = emergencies.request_emergency(
        now=contact, server=w["server"], channel=Channel.PORTAL, description="HS", actor=w["admin"]
    )
    emergencies.start_intervention(now=start, request=row, actor=w["engineer"])
    return row


@pytest.mark.parametrize(
    ("start", "out_of_hours"),
    [
        (at(2026, 1, 6, 7, 59), True),  # Tuesday 8:59 Paris (CET)
        (at(2026, 1, 6, 8, 0), False),  # 9:00 opens
        (at(2026, 1, 6, 16, 59), False),  # 17:59
        (at(2026, 1, 6, 17, 0), True),  # 18:00 closes
        (at(2026, 1, 10, 10), True),  # Saturday
        (at(2026, 4, 6, 9), True),  # Easter Monday, a holiday in France
        (at(2026, 3, 30, 7, 0), False),  # Monday after the DST change: 9:00 CEST
        (at(2026, 3, 30, 6, 59), True),  # 8:59 CEST, though 7:59 "winter" time
    ],
)
def test_an_intervention_started_outside_office_hours_is_flagged(w, start, out_of_hours):
    row = _started(w, start - timedelta(minutes=10), start)
    row.refresh_from_db()
    assert row.out_of_hours is out_of_hours


def test_only_the_client_accepts_an_out_of_hours_bill_once(w):
    row = _started(w, at(2026, 1, 10, 9), at(2026, 1, 10, 10))
    with pytest.raises(DomainError):
        emergencies.accept_out_of_hours(now=at(2026, 1, 10, 11), request=row, actor=w["engineer"])
    emergencies.accept_out_of_hours(now=at(2026, 1, 10, 11), request=row, actor=w["admin"])
    assert row.out_of_hours_accepted_at == at(2026, 1, 10, 11)
    with pytest.raises(DomainError):
        emergencies.accept_out_of_hours(now=at(2026, 1, 10, 12), request=row, actor=w["admin"])
    in_hours = _started(w, at(2026, 1, 13, 9), at(2026, 1, 13, 9, 30))
    with pytest.raises(DomainError):
        emergencies.accept_out_of_hours(now=at(2026, 1, 13, 10), request=in_hours, actor=w["admin"])


def test_a_client_fault_voids_the_gtr_credit_but_not_the_gti(w):
    # Tuesday 10:00 Paris, due 11:00, started 14:00: the GTI is late whatever the cause.
    row = _started(w, at(2026, 1, 6, 9), at(2026, 1, 6, 13))
    with pytest.raises(DomainError):
        emergencies.record_fault(
            now=at(2026, 1, 6, 14), request=row, actor=w["engineer"], fault="bad", note="x"
        )
    with pytest.raises(DomainError):
        emergencies.record_fault(
            now=at(2026, 1, 6, 14),
            request=row,
            actor=w["admin"],
            fault=FaultKind.CLIENT_MISTAKE,
            note="x",
        )
    emergencies.record_fault(
        now=at(2026, 1, 6, 14),
        request=row,
        actor=w["engineer"],
        fault=FaultKind.CLIENT_MISTAKE,
        note="Le client a supprimé /etc/nginx.",
    )
    assert row.fault_informed_at == at(2026, 1, 6, 14)
    # Restored 26 hours after the start: GTR + 24 h, 100 %, had the servers been at fault.
    emergencies.restore(now=at(2026, 1, 7, 15), request=row, actor=w["engineer"])
    gtr = emergencies.gtr_status(row, at(2026, 1, 7, 16))
    assert gtr is not None and not gtr.eligible and gtr.amount == 0
    kinds = set(ServerCredit.objects.filter(request=row).values_list("kind", flat=True))
    assert kinds == {CreditKind.GTI}
    assert emergencies.settle_month_end(at(2026, 2, 1)) == 0
    assert AuditEntry.objects.filter(action="support.fault_recorded").count() == 1
    with pytest.raises(DomainError):  # once, and never after the restoration
        emergencies.record_fault(
            now=at(2026, 1, 7, 16),
            request=row,
            actor=w["engineer"],
            fault=FaultKind.NOT_THE_SERVERS,
            note="x",
        )


def test_a_fault_is_found_during_the_intervention_only(w):
    row = emergencies.request_emergency(
        now=at(2026, 1, 6, 9),
        server=w["server"],
        channel=Channel.PORTAL,
        description="HS",
        actor=w["admin"],
    )
    with pytest.raises(DomainError):
        emergencies.record_fault(
            now=at(2026, 1, 6, 9, 5),
            request=row,
            actor=w["engineer"],
            fault=FaultKind.NOT_THE_SERVERS,
            note="Le DNS du registrar",
        )


def test_dates_of_an_immobilising_intervention_are_agreed(w):
    now = at(2026, 1, 6, 9)
    weekday = (at(2026, 1, 8, 13), at(2026, 1, 8, 15))  # Thursday 14-16 Paris
    saturday = (at(2026, 1, 10, 8), at(2026, 1, 10, 10))
    evening = (at(2026, 1, 8, 16, 30), at(2026, 1, 8, 17, 30))  # 17:30-18:30: half out
    with pytest.raises(DomainError):
        plans.propose(
            now=now, server=w["server"], actor=w["admin"], description="x", slots=[weekday]
        )
    for bad in (
        [],
        [(at(2026, 1, 5, 9), at(2026, 1, 5, 10))],
        [(weekday[1], weekday[0])],
        [(weekday[0], weekday[0] + timedelta(hours=25))],
    ):
        with pytest.raises(DomainError):
            plans.propose(
                now=now, server=w["server"], actor=w["engineer"], description="x", slots=bad
            )
    plan = plans.propose(
        now=now,
        server=w["server"],
        actor=w["engineer"],
        description="Mise à niveau de MySQL 8.0 vers 8.4 : site arrêté 1 h.",
        slots=[saturday, weekday, evening],
    )
    slots = list(plan.slots.all())
    assert [s.out_of_hours for s in slots] == [False, True, True]
    assert plan.clause.startswith("Art. 5")
    with pytest.raises(DomainError):
        plans.accept(now=now, plan=plan, slot_id=slots[0].pk, actor=w["engineer"])
    with pytest.raises(DomainError) as refused:
        plans.accept(now=now, plan=plan, slot_id=slots[2].pk, actor=w["admin"])
    assert refused.value.code == "out_of_hours_not_accepted"
    with pytest.raises(DomainError):
        plans.accept(now=now, plan=plan, slot_id=0, actor=w["admin"])
    with pytest.raises(DomainError):  # the slot has begun
        plans.accept(now=weekday[0], plan=plan, slot_id=slots[0].pk, actor=w["admin"])
    plans.accept(
        now=now, plan=plan, slot_id=slots[2].pk, actor=w["admin"], accept_out_of_hours=True
    )
    plan.refresh_from_db()
    assert plan.accepted_slot == slots[2] and plan.out_of_hours_accepted
    with pytest.raises(DomainError) as again:
        plans.accept(now=now, plan=plan, slot_id=slots[0].pk, actor=w["admin"])
    assert again.value.code == "already_agreed"


def test_the_api_proposes_and_agrees_a_date_and_records_a_fault(client, w):
    import json

    from tests.support.test_it_answers_the_api import bearer, post

    admin, engineer = bearer(w["admin"]), bearer(w["engineer"])
    slots = [
        {"starts_at": "2030-01-08T14:00:00+01:00", "ends_at": "2030-01-08T15:00:00+01:00"},
        {"starts_at": "2030-01-12T10:00:00+01:00", "ends_at": "2030-01-12T11:00:00+01:00"},
    ]
    path = f"/api/support/servers/{w['server'].pk}/plans"
    assert post(client, path, {"description": "MySQL", "slots": slots}, admin).status_code == 403
    assert post(client, path, {"description": "MySQL", "slots": []}, engineer).status_code == 422
    bad = [{"starts_at": "2030-01-08T15:00:00+01:00", "ends_at": "2030-01-08T14:00:00+01:00"}]
    assert post(client, path, {"description": "x", "slots": bad}, engineer).status_code == 400
    created = post(client, path, {"description": "MySQL 8.4", "slots": slots}, engineer)
    assert created.status_code == 201, created.content
    plan = created.json()
    assert [s["out_of_hours"] for s in plan["slots"]] == [False, True]
    saturday = plan["slots"][1]["id"]
    accept = f"/api/support/plans/{plan['id']}/accept"
    refused = post(client, accept, {"slot_id": saturday}, admin)
    assert refused.status_code == 400 and "out_of_hours" in refused.content.decode()
    agreed = post(client, accept, {"slot_id": saturday, "accept_out_of_hours": True}, admin)
    assert agreed.status_code == 200 and agreed.json()["accepted_slot_id"] == saturday
    listed = client.get("/api/support/plans", **admin).json()
    assert json.dumps(listed).count(plan["reference"]) == 1
    row = _started(
        w, timezone_now() - timedelta(minutes=20), timezone_now() - timedelta(minutes=10)
    )
    fault = f"/api/support/emergencies/{row.pk}/fault"
    assert post(client, fault, {"fault": "bad", "note": "x"}, engineer).status_code == 400
    done = post(client, fault, {"fault": "not_servers", "note": "Le DNS du registrar"}, engineer)
    assert done.status_code == 200 and done.json()["fault_informed_at"]


def test_the_portal_proposes_and_agrees_a_date_and_records_a_fault(client, w):
    client.force_login(w["engineer"])
    response = client.post(
        "/support/interventions/",
        {
            "server": w["server"].pk,
            "description": "Migration PHP 8.3",
            "slot1_start": "2030-01-08T14:00",
            "slot1_minutes": "90",
            "slot2_start": "",
            "slot3_start": "2030-01-12T10:00",
            "slot3_minutes": "60",
        },
    )
    plan = w["server"].intervention_plans.get()
    assert response.status_code == 302 and plan.slots.count() == 2
    first, saturday = plan.slots.all()
    assert first.ends_at - first.starts_at == timedelta(minutes=90) and saturday.out_of_hours
    page = client.get(f"/support/interventions/{plan.pk}/").content.decode()
    assert "En attente du choix du client" in page and "Art. 5" in page
    client.force_login(w["admin"])
    assert 'id="accept-slot"' in client.get(f"/support/interventions/{plan.pk}/").content.decode()
    client.post(f"/support/interventions/{plan.pk}/", {"slot": saturday.pk})
    plan.refresh_from_db()
    assert plan.accepted_at is None  # out of hours, not accepted as billable
    client.post(
        f"/support/interventions/{plan.pk}/", {"slot": saturday.pk, "accept_out_of_hours": "on"}
    )
    plan.refresh_from_db()
    assert plan.accepted_slot == saturday
    assert "date convenue" in client.get("/support/").content.decode()
    # The engineer records a client's mistake on an intervention, the client sees it.
    row = _started(
        w, timezone_now() - timedelta(minutes=20), timezone_now() - timedelta(minutes=10)
    )
    client.force_login(w["engineer"])
    client.post(
        f"/support/urgences/{row.pk}/",
        {"action": "fault", "fault": "client_mistake", "note": "Fichier .htaccess modifié"},
    )
    client.force_login(w["admin"])
    page = client.get(f"/support/urgences/{row.pk}/").content.decode()
    assert "Fichier .htaccess modifié" in page and "fausse manœuvre du client" in page
