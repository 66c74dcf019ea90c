"""Remote half-days' attendance evidence from the video provider (issue 15, art. 8.1.2):
the JaaS webhook's join/leave events, posted signed to the real endpoint, become per
participant and half-day the intervals of connection clipped to the half-day, recorded at
the trainer's validation, proposing present from 90 % of the half-day and partial below,
and printed on the attendance sheet."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine

from clausier.coaching import jaas
from clausier.coaching.models import JaasConfig
from clausier.training import documents, remote, services
from clausier.training.models import Attendance, Presence, RemoteInterval
from tests.coaching.keys import APP_ID, KEY_ID, WEBHOOK_SECRET, key_pair
from tests.training.test_it_keeps_sheets_and_certificates_as_evidence import text_of
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, PARIS, training_world

pytestmark = pytest.mark.django_db
ROOM = "kestio-manager-coach-1"
AT = FIRST_START  # the first half-day: 09:00–12:30 Paris, 210 minutes


def _at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return AT.replace(hour=hours, minute=minutes)


def _post(client, provider, event_type: str, person, at: datetime, key: str, by_email=False):
    data = {"email": person.email, "name": person.email}
    if not by_email:
        data["id"] = str(person.pk)
    body = json.dumps(
        {
            "idempotencyKey": key,
            "eventType": event_type,
            "fqn": f"{APP_ID}/{ROOM}",
            "timestamp": int(at.timestamp() * 1000),
            "appId": APP_ID,
            "data": data,
        }
    ).encode()
    with time_machine.travel(at, tick=False):
        t = int(at.timestamp())
        response = client.post(
            f"/coaching/webhooks/jaas/{provider.slug}/",
            data=body,
            content_type="application/json",
            headers={"X-Jaas-Signature": f"t={t},v1={jaas.sign(WEBHOOK_SECRET, t, body)}"},
        )
    assert response.status_code == 200, response.content


def _remote_world():
    w = training_world()
    w["session"].room_name = ROOM
    w["session"].save(update_fields=["room_name"])
    JaasConfig.objects.create(
        provider=w["provider"],
        app_id=APP_ID,
        key_id=KEY_ID,
        private_key=key_pair()[0],
        webhook_secret=WEBHOOK_SECRET,
    )
    return w


def test_the_connections_propose_present_and_partial_and_go_on_the_sheet(client):
    w = _remote_world()
    quote = quote_of(w)
    slot = w["session"].slots.order_by("starts_at").first()
    provider = w["provider"]
    # Alice: 08:55 (counted from 09:00) to 10:00, then 10:05 to the end without a leave;
    # a second device (by e-mail) 09:30–09:45 inside the first span counts once.
    _post(client, provider, jaas.JOINED, w["alice"], _at("08:55"), "a1")
    _post(client, provider, jaas.JOINED, w["alice"], _at("09:30"), "a2", by_email=True)
    _post(client, provider, jaas.LEFT, w["alice"], _at("09:45"), "a3", by_email=True)
    _post(client, provider, jaas.LEFT, w["alice"], _at("10:00"), "a4")
    _post(client, provider, jaas.JOINED, w["alice"], _at("10:05"), "a5")
    # Bob: 09:00–11:00, 120 minutes.
    _post(client, provider, jaas.JOINED, w["bob"], _at("09:00"), "b1")
    _post(client, provider, jaas.LEFT, w["bob"], _at("11:00"), "b2")
    for person in (w["alice"], w["bob"]):
        services.sign_half_day(now=slot.starts_at, actor=person, slot=slot, ip="192.0.2.7")
    services.validate_half_day(now=slot.ends_at, actor=w["coach"], slot=slot, ip="192.0.2.1")
    alice = quote.enrolments.get(participant=w["alice"])
    bob = quote.enrolments.get(participant=w["bob"])
    # 60 + 145 = 205 min >= 90 % of 210 (189): present for the whole half-day.
    assert Attendance.objects.get(slot=slot, enrolment=alice).status == Presence.PRESENT
    partial = Attendance.objects.get(slot=slot, enrolment=bob)
    assert (partial.status, partial.minutes) == (Presence.PARTIAL, 120)
    spans = [
        (
            i.joined_at.astimezone(PARIS).strftime("%H:%M"),
            i.left_at.astimezone(PARIS).strftime("%H:%M"),
        )
        for i in RemoteInterval.objects.filter(slot=slot, enrolment=alice)
    ]
    assert spans == [("09:00", "10:00"), ("10:05", "12:30")]
    text = text_of(documents.stored_bytes(documents.attendance_sheet(now=slot.ends_at, slot=slot)))
    assert "09:00–10:00, 10:05–12:30" in text and "205 min" in text, text
    assert "09:00–11:00" in text and "120 min" in text
    assert "90 %" in text


def test_a_connected_participant_who_did_not_sign_is_absent(client):
    w = _remote_world()
    quote = quote_of(w, w["alice"])
    slot = w["session"].slots.order_by("starts_at").first()
    _post(client, w["provider"], jaas.JOINED, w["alice"], _at("09:00"), "a1")
    services.validate_half_day(now=slot.ends_at, actor=w["coach"], slot=slot, ip=None)
    enrolment = quote.enrolments.get()
    assert Attendance.objects.get(slot=slot, enrolment=enrolment).status == Presence.ABSENT
    # The connection is still recorded as evidence.
    assert RemoteInterval.objects.filter(slot=slot, enrolment=enrolment).count() == 1


@pytest.mark.parametrize(
    ("connected", "expected"),
    [
        (0, (Presence.ABSENT, 0)),
        (1, (Presence.PARTIAL, 1)),
        (188, (Presence.PARTIAL, 188)),  # the minute below 90 % of 210
        (189, (Presence.PRESENT, 210)),  # exactly 90 %
        (210, (Presence.PRESENT, 210)),
    ],
)
def test_the_threshold_is_ninety_percent_of_the_half_day(connected, expected):
    assert remote.proposed(connected, 210) == expected


def test_intervals_are_clipped_to_the_half_day_and_ignore_a_lone_leave():
    starts, ends = _at("09:00"), _at("12:30")
    rows = [
        (jaas.LEFT, "7", _at("08:00")),
        (jaas.JOINED, "7", _at("08:30")),
        (jaas.LEFT, "7", _at("08:50")),  # before the half-day: nothing
        (jaas.JOINED, "7", _at("12:00")),  # never left: until 12:30
        (jaas.JOINED, "8", starts - timedelta(minutes=5)),
        (jaas.LEFT, "8", starts + timedelta(minutes=5)),
    ]
    found = remote.intervals(rows, starts, ends)
    assert found == {"7": [(_at("12:00"), ends)], "8": [(starts, _at("09:05"))]}
    assert remote.minutes_of(found["7"]) == 30


@pytest.mark.parametrize(
    ("marked", "connected", "expected"),
    [
        ((Presence.PRESENT, 210), 205, (Presence.PRESENT, 210)),
        ((Presence.PRESENT, 210), 120, (Presence.PARTIAL, 120)),
        ((Presence.PARTIAL, 90), 120, (Presence.PARTIAL, 90)),  # the trainer's fewer minutes
        ((Presence.EXCUSED, 0), 120, (Presence.EXCUSED, 0)),
        ((Presence.ABSENT, 0), 205, (Presence.ABSENT, 0)),
    ],
)
def test_the_connection_caps_a_presence_never_raises_it(marked, connected, expected):
    assert remote.capped(*marked, connected, 210) == expected
