"""Attendance from JaaS webhooks (art. 6.1, 10.1): the signature over the raw bytes,
stale timestamps refused, duplicates ignored, any order, intervals summed; a participant
absent from a held session is a no-show and the session is consumed."""

from __future__ import annotations

import base64
import json
import random
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
import pytest

from clausier.coaching import jaas, ledger, rooms, services
from clausier.coaching.models import Attendance, JaasConfig, JaasEvent
from tests.coaching.builders import coaching_world
from tests.coaching.keys import APP_ID, KEY_ID, WEBHOOK_SECRET, key_pair

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
STARTS = datetime(2027, 3, 16, 8, tzinfo=UTC)  # 09:00 Paris
FIXTURE = Path(__file__).parent / "fixtures" / "jaas_room_events.json"


def openssl_signature(secret: str, signed: bytes) -> str:
    """The v1 signature computed by another implementation (OpenSSL), not by ours."""
    digest = subprocess.run(
        ["openssl", "dgst", "-sha256", "-hmac", secret, "-binary"],
        input=signed,
        capture_output=True,
        check=True,
    ).stdout
    return base64.b64encode(digest).decode()


def test_the_signature_matches_an_independent_vector():
    body = b'{"idempotencyKey":"k","eventType":"ROOM_CREATED"}'
    t = 1805183700
    expected = openssl_signature(WEBHOOK_SECRET, f"{t}.".encode() + body)
    header = f"t={t},v1={expected}"
    jaas.verify_signature(WEBHOOK_SECRET, header, body, datetime.fromtimestamp(t, UTC))
    assert jaas.sign(WEBHOOK_SECRET, t, body) == expected


@pytest.mark.parametrize(
    ("header", "body", "now_offset"),
    [
        ("t={t},v1={sig}", b"{tampered}", 0),  # another body
        ("t={t},v0={sig}", None, 0),  # not the v1 scheme
        ("t={t},v1={sig}", None, 301),  # stale
        ("t={t},v1={sig}", None, -301),  # from the future
        ("v1={sig}", None, 0),  # no timestamp
        ("t=abc,v1={sig}", None, 0),
        ("", None, 0),
    ],
)
def test_bad_signatures_are_refused(header, body, now_offset):
    signed = b'{"a":1}'
    t = 1805183700
    sig = openssl_signature(WEBHOOK_SECRET, f"{t}.".encode() + signed)
    with pytest.raises(jaas.BadSignature):
        jaas.verify_signature(
            WEBHOOK_SECRET,
            header.format(t=t, sig=sig),
            body or signed,
            datetime.fromtimestamp(t + now_offset, UTC),
        )


def test_a_signature_ending_in_equals_signs_splits_on_the_first_equals_only():
    body = b"x" * 7
    for t in range(1805183700, 1805183800):
        sig = openssl_signature(WEBHOOK_SECRET, f"{t}.".encode() + body)
        if sig.endswith("="):
            break
    jaas.verify_signature(WEBHOOK_SECRET, f"t={t}, v1={sig}", body, datetime.fromtimestamp(t, UTC))


def _room(w):
    JaasConfig.objects.create(
        provider=w.provider,
        app_id=APP_ID,
        key_id=KEY_ID,
        private_key=key_pair()[0],
        webhook_secret=WEBHOOK_SECRET,
    )
    return services.book_session(
        now=NOW, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=STARTS
    )


def _payloads(session, member, coach) -> list[bytes]:
    text = FIXTURE.read_text()
    for placeholder, value in (
        ("ROOM", session.room_name),
        ("MEMBER_EMAIL", member.email),
        ("MEMBER_ID", str(member.pk)),
        ("COACH_EMAIL", coach.email),
        ("COACH_ID", str(coach.pk)),
    ):
        text = text.replace(placeholder, value)
    return [json.dumps(event).encode() for event in json.loads(text)]


def _post(client, provider, body: bytes, at: datetime):
    t = int(at.timestamp())
    signature = openssl_signature(WEBHOOK_SECRET, f"{t}.".encode() + body)
    return client.post(
        f"/coaching/webhooks/jaas/{provider.slug}/",
        data=body,
        content_type="application/json",
        headers={"X-Jaas-Signature": f"t={t},v1={signature}"},
    )


def test_recorded_events_in_any_order_and_twice_give_the_same_attendance(client, time_machine):
    w = coaching_world(ORDERED, PAID, members=1)
    session = _room(w)
    member = w.members[0]
    bodies = _payloads(session, member, w.coach.person)
    shuffled = bodies + bodies[2:5]  # some delivered twice
    random.Random(7).shuffle(shuffled)
    at = STARTS + timedelta(hours=1)
    time_machine.move_to(at, tick=False)
    answers = [_post(client, w.provider, body, at) for body in shuffled]
    assert {a.status_code for a in answers} == {200}
    assert sum(a.json()["stored"] for a in answers) == len(bodies)
    assert JaasEvent.objects.count() == len(bodies)
    seat = session.participants.get()
    # 08:00-08:10 and 08:15-08:50: 45 minutes in the room.
    assert seat.attended_seconds == 45 * 60
    assert seat.attendance == Attendance.PRESENT
    services.close_finished_sessions(STARTS + timedelta(hours=2))
    seat.refresh_from_db()
    assert seat.attendance == Attendance.PRESENT
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert (allowance.held, allowance.consumed, allowance.remaining) == (1, 0, 11)


def test_a_participant_who_never_joined_is_a_no_show(client, time_machine):
    w = coaching_world(ORDERED, PAID, members=1)
    session = _room(w)
    member_id = str(w.members[0].pk)
    coach_only = [
        body
        for body in _payloads(session, w.members[0], w.coach.person)
        if json.loads(body).get("data", {}).get("id") != member_id
    ]
    assert len(coach_only) == 4  # room created, coach joined and left, room destroyed
    at = STARTS + timedelta(hours=1)
    time_machine.move_to(at, tick=False)
    for body in coach_only:
        assert _post(client, w.provider, body, at).status_code == 200
    services.close_finished_sessions(STARTS + timedelta(hours=2))
    seat = session.participants.get()
    assert (seat.attendance, seat.attended_seconds) == (Attendance.ABSENT, 0)
    allowance = ledger.allowance(w.subscription, NOW, NOW)
    assert (allowance.held, allowance.consumed, allowance.remaining) == (0, 1, 11)


def test_a_forged_or_stale_webhook_is_refused_and_stores_nothing(client, time_machine):
    w = coaching_world(ORDERED, PAID, members=1)
    session = _room(w)
    body = _payloads(session, w.members[0], w.coach.person)[2]
    at = STARTS + timedelta(hours=1)
    time_machine.move_to(at, tick=False)
    stale = _post(client, w.provider, body, at - timedelta(minutes=6))
    assert stale.status_code == 401
    forged = client.post(
        f"/coaching/webhooks/jaas/{w.provider.slug}/",
        data=body,
        content_type="application/json",
        headers={"X-Jaas-Signature": f"t={int(at.timestamp())},v1=AAAA"},
    )
    assert forged.status_code == 401
    assert (
        client.post(
            "/coaching/webhooks/jaas/nobody/", data=body, content_type="application/json"
        ).status_code
        == 404
    )
    not_json = b"not json"
    assert _post(client, w.provider, not_json, at).status_code == 400
    assert JaasEvent.objects.count() == 0


def test_the_join_page_token_is_for_this_room_and_only_the_coach_moderates():
    w = coaching_world(ORDERED, PAID, members=1)
    session = _room(w)
    member = rooms.join(now=STARTS - timedelta(minutes=5), session=session, person=w.members[0])
    coach = rooms.join(now=STARTS, session=session, person=w.coach.person)
    for join, moderator in ((member, "false"), (coach, "true")):
        claims = jwt.decode(join.token, options={"verify_signature": False})
        assert claims["room"] == session.room_name
        assert claims["context"]["user"]["moderator"] == moderator
    with pytest.raises(rooms.CoachingError):
        rooms.join(now=STARTS - timedelta(minutes=11), session=session, person=w.members[0])
    with pytest.raises(rooms.CoachingError):
        rooms.join(now=STARTS, session=session, person=w.admin)


@pytest.mark.parametrize("seed", range(4))
def test_updating_only_the_event_s_participant_gives_what_a_full_recount_gives(seed):
    """Each webhook recounts only its participant's seats unless it moves the room's last
    instant; after every event the seats must equal a recount of the whole room."""
    rng = random.Random(seed)
    w = coaching_world(ORDERED, PAID, members=2, group=2)
    JaasConfig.objects.create(
        provider=w.provider,
        app_id=APP_ID,
        key_id=KEY_ID,
        private_key=key_pair()[0],
        webhook_secret=WEBHOOK_SECRET,
    )
    session = services.book_session(
        now=NOW,
        actor=w.admin,
        subscription=w.subscription,
        coach=w.coach,
        starts_at=STARTS,
        participants=w.members,
    )
    people = [*w.members, w.coach.person]
    now = STARTS + timedelta(hours=3)
    for i in range(30):
        person = rng.choice(people)
        at = STARTS + timedelta(minutes=rng.randrange(-10, 100))
        data = {"id": str(person.pk), "email": person.email, "name": "P", "moderator": False}
        if rng.random() < 0.3:
            data["id"] = ""  # a participant known by e-mail only
        body = json.dumps(
            {
                "idempotencyKey": f"{seed}-{i}",
                "customerId": "c",
                "appId": APP_ID,
                "eventType": rng.choice([jaas.JOINED, jaas.LEFT]),
                "sessionId": "s",
                "timestamp": int(at.timestamp() * 1000),
                "fqn": f"{APP_ID}/{session.room_name}",
                "data": data,
            }
        ).encode()
        t = int(now.timestamp())
        header = f"t={t},v1={jaas.sign(WEBHOOK_SECRET, t, body)}"
        assert rooms.ingest_webhook(provider=w.provider, signature=header, body=body, now=now)
        seen = {s.pk: s.attended_seconds for s in session.participants.all()}
        rooms.recompute_attendance(session)
        assert {s.pk: s.attended_seconds for s in session.participants.all()} == seen
