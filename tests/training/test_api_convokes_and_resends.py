"""Convocations through the API (art. 6, 6.1, 7.2.1, 8.1.2): staff convoke a session's
participants, and resend one participant's convocation (same UIDs and SEQUENCE, really
sent again over SMTP); a client admin or a participant is refused; after the session,
nothing is sent."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar

from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from clausier.training import convocations
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import ORDERED, training_world

pytestmark = pytest.mark.django_db


def _uids(message) -> list[str]:
    (part,) = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return [str(e["UID"]) for e in Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")]


def test_staff_convoke_then_resend_one_participant(client, smtp_server):
    w = training_world()
    quote = quote_of(w)
    alice = quote.enrolments.get(participant=w["alice"])
    session_path = f"/api/training/sessions/{w['session'].pk}/convocations"
    resend_path = f"/api/training/enrolments/{alice.pk}/convocation"
    with time_machine.travel(ORDERED, tick=False):
        assert post(client, session_path, bearer(w["admin"])).status_code == 403
        early = post(client, resend_path, bearer(w["owner"]))
        assert early.status_code == 400 and early.json()["code"] == "not_convoked"
        assert post(client, session_path, bearer(w["owner"])).json() == {"sent": 2}
        assert post(client, session_path, bearer(w["owner"])).json() == {"sent": 0}
        assert post(client, resend_path, bearer(w["alice"])).status_code == 403
    with time_machine.travel(ORDERED + timedelta(days=1), tick=False):
        assert post(client, resend_path, bearer(w["coach"])).json() == {"sent": 1}
    deliver_due(ORDERED + timedelta(days=1))
    to_alice = [m for m in smtp_server.messages if m["To"] == w["alice"].email]
    assert len(to_alice) == 2
    slots = list(w["session"].slots.order_by("starts_at"))
    expected = [convocations.slot_uid(s) for s in slots]
    assert _uids(to_alice[0]) == _uids(to_alice[1]) == expected
    assert OutboxMessage.objects.filter(template="training_convocation").count() == 3
    entry = AuditEntry.objects.get(action="training.convocation_resent")
    assert entry.actor == w["coach"] and entry.object_id == str(alice.pk)


def test_no_resend_once_the_session_has_ended(client):
    w = training_world()
    quote = quote_of(w)
    alice = quote.enrolments.get(participant=w["alice"])
    convocations.send_convocations(now=ORDERED, actor=w["owner"], session=w["session"])
    last_end = w["session"].slots.order_by("-ends_at").first().ends_at
    path = f"/api/training/enrolments/{alice.pk}/convocation"
    with time_machine.travel(last_end - timedelta(minutes=1), tick=False):
        assert post(client, path, bearer(w["owner"])).json() == {"sent": 1}
    with time_machine.travel(last_end, tick=False):
        ended = post(client, path, bearer(w["owner"]))
    assert ended.status_code == 400 and ended.json()["code"] == "ended"
