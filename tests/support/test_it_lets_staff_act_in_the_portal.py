"""Staff act from the portal through the API's services, rules and audit log: a ticket's
status, engineer and scope; a phone request logged with the call's time; an intervention
started, paused for a reason, resumed, restored and ended. A client cannot do any of it,
and bad input is a message, never a 500."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clausier.core.models import AuditEntry
from clausier.support.models import EmergencyRequest, InterventionPause
from clausier.support.services import emergencies, tickets
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
TUESDAY = datetime(2026, 1, 6, 9, tzinfo=UTC)  # 10:00 in Paris


def _ticket(w):
    return tickets.open_ticket(
        now=TUESDAY, client=w["client"], subject="Lent", body="b", channel="portal"
    )


def test_an_engineer_changes_status_assignee_and_scope_with_an_audit_trail(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["engineer"])
    url = f"/support/tickets/{ticket.pk}/action/"
    page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    assert 'id="staff-actions"' in page and w["engineer2"].email in page
    client.post(url, {"action": "status", "status": "waiting_client"})
    client.post(url, {"action": "assign", "engineer": w["engineer2"].pk})
    client.post(url, {"action": "scope", "out_of_scope": "on"})
    ticket.refresh_from_db()
    assert ticket.status == "waiting_client"
    assert ticket.assignee == w["engineer2"] and ticket.out_of_scope
    actions = set(
        AuditEntry.objects.filter(object_id=str(ticket.pk), actor=w["engineer"]).values_list(
            "action", flat=True
        )
    )
    assert {"support.ticket_status", "support.ticket_assigned", "support.ticket_scope"} <= actions


def test_bad_input_is_a_message_and_changes_nothing(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["engineer"])
    url = f"/support/tickets/{ticket.pk}/action/"
    for data in (
        {"action": "status", "status": "lost"},
        {"action": "assign", "engineer": w["admin"].pk},  # a client user is no engineer
        {"action": "assign", "engineer": "x"},
        {"action": "explode"},
    ):
        response = client.post(url, data, follow=True)
        assert response.status_code == 200
        assert response.redirect_chain[-1][0] == f"/support/tickets/{ticket.pk}/"
    ticket.refresh_from_db()
    assert ticket.status == "new" and ticket.assignee is None
    assert client.get(url).status_code == 405


def test_a_client_cannot_use_the_staff_actions(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["admin"])
    assert 'id="staff-actions"' not in client.get(f"/support/tickets/{ticket.pk}/").content.decode()
    response = client.post(
        f"/support/tickets/{ticket.pk}/action/", {"action": "status", "status": "closed"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == "new"
    with time_machine.travel(TUESDAY, tick=False):
        row = emergencies.request_emergency(
            now=TUESDAY, server=w["server"], channel="portal", description="HS", actor=w["admin"]
        )
    client.post(f"/support/urgences/{row.pk}/", {"action": "start"})
    row.refresh_from_db()
    assert row.started_at is None


def test_a_stranger_gets_404_on_the_actions(client):
    w = support_world()
    ticket = _ticket(w)
    other = support_world()
    client.force_login(other["engineer"])
    response = client.post(
        f"/support/tickets/{ticket.pk}/action/", {"action": "status", "status": "closed"}
    )
    assert response.status_code == 404


def test_an_engineer_logs_a_call_and_runs_the_intervention(client):
    w = support_world()
    client.force_login(w["engineer"])
    with time_machine.travel(TUESDAY, tick=False):
        # The call came at 9:40 Paris time; the engineer logs it at 10:00.
        client.post(
            "/support/urgence/",
            {
                "server": w["server"].pk,
                "description": "Site HS",
                "channel": "phone",
                "contacted_at": "2026-01-06T09:40",
            },
        )
    row = EmergencyRequest.objects.get()
    assert row.channel == "phone" and row.confirmed_at is None
    assert row.contacted_at == datetime(2026, 1, 6, 8, 40, tzinfo=UTC)
    page = client.get(f"/support/urgences/{row.pk}/").content.decode()
    assert "confirmation écrite du client" in page and 'id="confirm"' not in page
    url = f"/support/urgences/{row.pk}/"
    steps = [
        ({"action": "start"}, TUESDAY),
        ({"action": "pause", "reason": "nonsense"}, TUESDAY + timedelta(minutes=5)),
        ({"action": "pause", "reason": "backup_restore"}, TUESDAY + timedelta(minutes=10)),
        ({"action": "resume"}, TUESDAY + timedelta(minutes=50)),
        ({"action": "restore"}, TUESDAY + timedelta(minutes=70)),
        ({"action": "end"}, TUESDAY + timedelta(minutes=80)),
    ]
    for data, at in steps:
        with time_machine.travel(at, tick=False):
            assert client.post(url, data).status_code == 302
    row.refresh_from_db()
    assert row.started_at == TUESDAY and row.engineer == w["engineer"]
    assert row.restored_at == TUESDAY + timedelta(minutes=70)
    assert row.worked_minutes == 80  # a backup restore is work (art. 8.1)
    pause = InterventionPause.objects.get()
    assert pause.reason == "backup_restore" and pause.ended_at == TUESDAY + timedelta(minutes=50)
    actions = list(
        AuditEntry.objects.filter(object_id=str(row.pk), action__startswith="support.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "support.emergency_requested",
        "support.intervention_started",
        "support.intervention_paused",
        "support.intervention_resumed",
        "support.service_restored",
        "support.intervention_ended",
    ]
    # The client confirms the call in writing from the same page.
    client.force_login(w["admin"])
    assert 'id="confirm"' in client.get(url).content.decode()
    client.post(url, {"action": "confirm"})
    row.refresh_from_db()
    assert row.confirmed_at is not None
