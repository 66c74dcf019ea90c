"""Convocations (issue 15): an e-mail per participant with the half-days as an
iCalendar REQUEST (one stable UID per half-day), the place, the access link, programme,
prerequisites and the contract's mentions; a change sends SEQUENCE + 1; a withdrawal or a
cancellation sends CANCEL with the same UIDs. Delivered over real SMTP."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from icalendar import Calendar

from clausier.accounts.errors import NotAllowed
from clausier.notify.models import OutboxAttachment, OutboxMessage
from clausier.notify.services import deliver_due
from clausier.training import convocations, services
from clausier.training.errors import TrainingError
from clausier.training.models import Enrolment
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, ORDERED, training_world

pytestmark = pytest.mark.django_db


def _calendar(message: OutboxMessage) -> tuple[str, list]:
    [attachment] = OutboxAttachment.objects.filter(message=message)
    calendar = Calendar.from_ical(bytes(attachment.content))
    return str(calendar["METHOD"]), list(calendar.walk("VEVENT"))


def _convoke(w):
    quote = quote_of(w)
    session = w["session"]
    session.location = "12 rue des Lilas, Lyon"
    session.save()
    sent = convocations.send_convocations(now=ORDERED, actor=w["owner"], session=session)
    return quote, sent


def test_each_participant_is_convoked_with_the_half_days_in_an_icalendar(smtp_server):
    w = training_world()
    _quote, sent = _convoke(w)
    assert sent == 2
    message = OutboxMessage.objects.get(template="training_convocation", to_email=w["alice"].email)
    method, events = _calendar(message)
    assert method == "REQUEST" and len(events) == 4
    slots = list(w["session"].slots.order_by("starts_at"))
    assert [str(e["UID"]) for e in events] == [convocations.slot_uid(s) for s in slots]
    assert {int(e["SEQUENCE"]) for e in events} == {0}
    assert events[0].decoded("DTSTART") == FIRST_START
    assert str(events[0]["LOCATION"]) == "12 rue des Lilas, Lyon"
    assert "Jour 1 : écoute" in str(events[0]["DESCRIPTION"])
    body = message.body
    assert "Manager coach" in body and "12 rue des Lilas" in body and "09:00–12:30" in body
    assert "adresse e-mail professionnelle" in body and "Art. 6, 6.1, 7.2.1, 8.1.2" in body
    assert "/formations/" in body
    # Sending again convokes nobody twice.
    assert convocations.send_convocations(now=ORDERED, actor=w["owner"], session=w["session"]) == 0
    deliver_due(ORDERED)
    received = {m["To"]: m for m in smtp_server.messages}
    parts = [
        p for p in received[w["alice"].email].walk() if p.get_content_type() == "text/calendar"
    ]
    assert parts and parts[0].get_param("method") == "REQUEST"


def test_a_change_of_times_resends_with_the_next_sequence_and_the_same_uids():
    w = training_world()
    _convoke(w)
    session = w["session"]
    first = session.slots.order_by("starts_at").first()
    sent = services.change_session(
        now=ORDERED,
        actor=w["owner"],
        session=session,
        location="Visio : https://meet.example/kestio",
        times={first.pk: (time(8, 30), time(12))},
    )
    assert sent == 2
    latest = (
        OutboxMessage.objects.filter(template="training_convocation", to_email=w["bob"].email)
        .order_by("-pk")
        .first()
    )
    method, events = _calendar(latest)
    assert method == "REQUEST" and {int(e["SEQUENCE"]) for e in events} == {1}
    assert str(events[0]["UID"]) == convocations.slot_uid(first)
    assert events[0].decoded("DTSTART") == FIRST_START - timedelta(minutes=30)
    assert "meet.example" in latest.body


def test_a_change_must_keep_each_half_days_length_and_not_touch_a_begun_one():
    w = training_world()
    _convoke(w)
    session = w["session"]
    first = session.slots.order_by("starts_at").first()
    with pytest.raises(TrainingError) as longer:
        services.change_session(
            now=ORDERED,
            actor=w["owner"],
            session=session,
            location=session.location,
            times={first.pk: (time(8, 30), time(12, 30))},
        )
    assert longer.value.code == "duration_changed"
    with pytest.raises(TrainingError) as begun:
        services.change_session(
            now=FIRST_START,
            actor=w["owner"],
            session=session,
            location=session.location,
            times={first.pk: (time(8, 30), time(12))},
        )
    assert begun.value.code == "slot_started"
    with pytest.raises(NotAllowed):
        services.change_session(
            now=ORDERED, actor=w["admin"], session=session, location="ailleurs", times={}
        )


def test_a_withdrawal_cancels_one_calendar_and_the_providers_cancellation_all():
    w = training_world()
    quote, _sent = _convoke(w)
    bob = Enrolment.objects.get(quote=quote, participant=w["bob"])
    services.withdraw_participant(now=ORDERED, actor=w["admin"], enrolment=bob)
    cancel = OutboxMessage.objects.get(
        template="training_convocation_cancelled", to_email=w["bob"].email
    )
    method, events = _calendar(cancel)
    assert method == "CANCEL" and {str(e["STATUS"]) for e in events} == {"CANCELLED"}
    assert {int(e["SEQUENCE"]) for e in events} == {1}
    # Alice keeps her convocation: no second one.
    assert convocations.send_convocations(now=ORDERED, actor=w["owner"], session=w["session"]) == 0
    services.cancel_by_provider(now=ORDERED, actor=w["owner"], session=w["session"])
    alice = OutboxMessage.objects.get(
        template="training_convocation_cancelled", to_email=w["alice"].email
    )
    method, events = _calendar(alice)
    assert method == "CANCEL" and len(events) == 4
    assert OutboxMessage.objects.filter(template="training_convocation_cancelled").count() == 2


def test_only_editors_convoke_and_not_once_begun():
    w = training_world()
    quote_of(w)
    with pytest.raises(NotAllowed):
        convocations.send_convocations(now=ORDERED, actor=w["admin"], session=w["session"])
    last = w["session"].slots.order_by("-ends_at").first()
    with pytest.raises(TrainingError):
        convocations.send_convocations(now=last.ends_at, actor=w["owner"], session=w["session"])


def test_the_session_page_convokes_and_changes(client):
    w = training_world()
    quote_of(w)
    session = w["session"]
    client.force_login(w["coach"])
    import time_machine

    with time_machine.travel(ORDERED, tick=False):
        page = client.get(f"/formations/sessions/{session.pk}/").content.decode()
        assert "pas encore convoqué" in page
        assert client.post(f"/formations/sessions/{session.pk}/convoquer/").status_code == 302
        assert "convoqué le" in client.get(f"/formations/sessions/{session.pk}/").content.decode()
        first = session.slots.order_by("starts_at").first()
        bad = client.post(
            f"/formations/sessions/{session.pk}/modifier/",
            {"location": "x", f"starts-{first.pk}": "9h", f"ends-{first.pk}": "12:30"},
        )
        assert bad.status_code == 400
        ok = client.post(
            f"/formations/sessions/{session.pk}/modifier/",
            {"location": "Salle B", f"starts-{first.pk}": "09:30", f"ends-{first.pk}": "13:00"},
        )
        assert ok.status_code == 302
    session.refresh_from_db()
    assert session.ical_sequence == 1 and session.location == "Salle B"
    client.force_login(w["admin"])
    assert client.get(f"/formations/sessions/{session.pk}/").status_code == 404
