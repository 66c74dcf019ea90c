"""JaaS join tokens (art. 6.1), verified the way Prosody's token plugin does: RS256 with
the public key found by `kid`, audience, issuer, subject (AppID), room, validity."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import jwt
import pytest
import time_machine

from clausier.coaching import jaas
from tests.coaching.keys import APP_ID, KEY_ID, key_pair

STARTS = datetime(2027, 3, 16, 8, tzinfo=UTC)
ENDS = STARTS + timedelta(hours=1)
ROOM = "s-0a1b2c3d4e5f60718293a4b5"


def account(key_id: str = KEY_ID) -> jaas.Account:
    return jaas.Account(APP_ID, key_id, key_pair()[0], "secret")


def prosody_verify(token: str, room: str, now: datetime) -> dict:
    """What the JaaS side checks: the key by `kid`, then the claims, then the room."""
    public_keys = {KEY_ID: key_pair()[1]}
    kid = jwt.get_unverified_header(token)["kid"]
    if kid not in public_keys:
        raise jwt.InvalidKeyError(f"unknown kid {kid}")
    with time_machine.travel(now, tick=False):  # PyJWT reads the clock itself
        claims = jwt.decode(
            token,
            public_keys[kid],
            algorithms=["RS256"],
            audience="jitsi",
            issuer="chat",
            options={"require": ["exp", "nbf", "sub", "room"]},
        )
    if claims["sub"] != APP_ID or claims["room"] not in ("*", room):
        raise jwt.InvalidTokenError("another tenant or room")
    return claims


def token_for(user: jaas.User, now: datetime, acc: jaas.Account | None = None) -> str:
    return jaas.join_token(acc or account(), ROOM, user, STARTS, ENDS, now)


MEMBER = jaas.User("42", "Nina Martin", "nina@boulangerie.example", "", moderator=False)
COACH = jaas.User("7", "Camille Coach", "camille@kestio.example", "", moderator=True)


def test_a_participant_token_verifies_with_the_public_key_and_carries_the_user():
    now = STARTS - timedelta(minutes=5)
    token = token_for(MEMBER, now)
    header = jwt.get_unverified_header(token)
    assert header == {"alg": "RS256", "kid": KEY_ID, "typ": "JWT"}
    with time_machine.travel(now, tick=False):
        claims = jwt.decode(
            token, key_pair()[1], algorithms=["RS256"], audience="jitsi", issuer="chat"
        )
    assert claims["sub"] == APP_ID
    assert claims["room"] == ROOM  # the bare room name, without the AppID
    assert claims["context"]["user"] == {
        "id": "42",
        "name": "Nina Martin",
        "email": "nina@boulangerie.example",
        "avatar": "",
        "moderator": "false",
    }
    assert claims["nbf"] == int((STARTS - jaas.EARLY_ENTRY - jaas.CLOCK_SKEW).timestamp())
    assert claims["exp"] == int((ENDS + jaas.END_MARGIN).timestamp())
    assert prosody_verify(token, ROOM, now)["room"] == ROOM


def test_only_the_coach_is_moderator():
    claims = jwt.decode(token_for(COACH, STARTS), options={"verify_signature": False})
    assert claims["context"]["user"]["moderator"] == "true"


def test_a_token_is_refused_for_another_room():
    token = token_for(MEMBER, STARTS)
    with pytest.raises(jwt.InvalidTokenError):
        prosody_verify(token, "another-room", STARTS)


def test_a_token_signed_under_another_kid_is_refused():
    other = f"{APP_ID}/ffffff"
    token = token_for(MEMBER, STARTS, account(other))
    with pytest.raises(jwt.InvalidKeyError):
        prosody_verify(token, ROOM, STARTS)


def test_a_token_is_refused_once_expired():
    token = token_for(MEMBER, STARTS)
    after = ENDS + jaas.END_MARGIN + timedelta(seconds=1)
    with pytest.raises(jwt.ExpiredSignatureError):
        prosody_verify(token, ROOM, after)


def test_pyjwt_itself_rejects_an_expired_token():
    # A session long past: signed then (the window was open), checked by PyJWT's own clock.
    starts = datetime(2020, 1, 6, 9, tzinfo=UTC)
    token = jaas.join_token(account(), ROOM, MEMBER, starts, starts + timedelta(hours=1), starts)
    with pytest.raises(jwt.ExpiredSignatureError):
        jwt.decode(token, key_pair()[1], algorithms=["RS256"], audience="jitsi", issuer="chat")


@pytest.mark.parametrize(
    "now",
    [
        STARTS - jaas.EARLY_ENTRY - timedelta(seconds=1),  # too early
        ENDS + jaas.END_MARGIN,  # closed
    ],
)
def test_no_token_outside_the_room_window(now):
    with pytest.raises(jaas.RoomNotOpen):
        token_for(MEMBER, now)


def test_a_token_opens_exactly_at_the_early_entry():
    assert token_for(MEMBER, STARTS - jaas.EARLY_ENTRY)


def test_the_key_id_must_belong_to_the_app():
    with pytest.raises(jaas.JaasError):
        token_for(MEMBER, STARTS, account("vpaas-magic-cookie-other/4f4910"))
