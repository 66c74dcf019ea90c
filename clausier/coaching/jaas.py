"""8x8 Jitsi as a Service (JaaS): rooms, join tokens, webhook signatures and attendance
(coaching art. 6, 6.1: sessions are held by video on the provider's platform).

Self-contained on purpose (no model of ours, only PyJWT and the standard library), so
that trainings reuse the same rooms. The numbers are JaaS's own rules:
- a join token is an RS256 JWT signed with the provider's API key, its header `kid` the
  key id (`vpaas-magic-cookie-<tenant>/<key>`); claims `aud` "jitsi", `iss` "chat", `sub`
  the AppID, `room` the bare room name (without the AppID), `context.user` with
  `moderator` "true" for the coach only;
- a webhook carries `X-Jaas-Signature: t=<unix seconds>,v1=<base64 HMAC-SHA256>` of
  `"<t>.<raw body>"` under the endpoint's secret; events may come twice (same
  `idempotencyKey`) and in any order (their `timestamp`, in ms, is the truth).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt

JAAS_DOMAIN = "8x8.vc"
# A participant may enter this long before the start (the room opens then)...
EARLY_ENTRY = timedelta(minutes=10)
# ...and the token stays valid this long after the planned end (a session running over).
END_MARGIN = timedelta(minutes=30)
# Clocks of JaaS and ours may differ by this much: `nbf` is set back by it.
CLOCK_SKEW = timedelta(seconds=60)
# A webhook whose signed timestamp is further than this from now is refused (replays).
SIGNATURE_TOLERANCE = timedelta(minutes=5)

JOINED = "PARTICIPANT_JOINED"
LEFT = "PARTICIPANT_LEFT"


class JaasError(Exception):
    pass


class RoomNotOpen(JaasError):
    """A token asked for before the room opens or after it closed."""


class BadSignature(JaasError):
    """A webhook without a valid, fresh `X-Jaas-Signature`."""


class BadPayload(JaasError):
    """A webhook body that is not a JaaS event."""


@dataclass(frozen=True, slots=True)
class Account:
    app_id: str  # vpaas-magic-cookie-<tenant>
    key_id: str  # vpaas-magic-cookie-<tenant>/<key>
    private_key: str  # PEM
    webhook_secret: str = ""


@dataclass(frozen=True, slots=True)
class User:
    id: str
    name: str
    email: str
    avatar: str = ""
    moderator: bool = False


def check_key_id(account: Account) -> None:
    if not account.key_id.startswith(f"{account.app_id}/"):
        raise JaasError("the key id must be '<AppID>/<key>'")


def room_window(starts_at: datetime, ends_at: datetime) -> tuple[datetime, datetime]:
    """When a room can be entered: from a few minutes before the start to the margin
    after the end."""
    return starts_at - EARLY_ENTRY, ends_at + END_MARGIN


def join_token(
    account: Account,
    room: str,
    user: User,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> str:
    """A token for one person and one room, valid only within the room's window."""
    check_key_id(account)
    opens, closes = room_window(starts_at, ends_at)
    if not opens <= now < closes:
        raise RoomNotOpen(f"room {room} opens at {opens.isoformat()}, closes {closes.isoformat()}")
    claims: dict[str, Any] = {
        "aud": "jitsi",
        "iss": "chat",
        "sub": account.app_id,
        "room": room,
        "iat": int(now.timestamp()),
        "nbf": int((opens - CLOCK_SKEW).timestamp()),
        "exp": int(closes.timestamp()),
        "context": {
            "user": {
                "id": user.id,
                "name": user.name,
                "email": user.email,
                "avatar": user.avatar,
                "moderator": "true" if user.moderator else "false",
            },
            "features": {
                "livestreaming": "false",
                "recording": "false",
                "transcription": "false",
                "outbound-call": "false",
            },
        },
    }
    headers = {"kid": account.key_id, "typ": "JWT"}
    return jwt.encode(claims, account.private_key, algorithm="RS256", headers=headers)


def room_url(account: Account, room: str) -> str:
    return f"https://{JAAS_DOMAIN}/{account.app_id}/{room}"


# -- webhooks -----------------------------------------------------------------------------


def sign(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def verify_signature(secret: str, header: str, body: bytes, now: datetime) -> None:
    """Check `X-Jaas-Signature` over the raw bytes; only the v1 scheme counts."""
    if not secret:
        raise BadSignature("no webhook secret is configured")
    timestamp: int | None = None
    candidates: list[str] = []
    for element in header.split(","):
        # Split on the first "=" only: base64 signatures end with "=".
        prefix, sep, value = element.strip().partition("=")
        if not sep:
            continue
        if prefix == "t":
            try:
                timestamp = int(value)
            except ValueError as exc:
                raise BadSignature("the timestamp is not a number") from exc
        elif prefix == "v1":
            candidates.append(value)
    if timestamp is None or not candidates:
        raise BadSignature("the header has no timestamp or no v1 signature")
    signed_at = datetime.fromtimestamp(timestamp, UTC)
    if abs(now - signed_at) > SIGNATURE_TOLERANCE:
        raise BadSignature("the signature is stale")
    expected = sign(secret, timestamp, body)
    if not any(hmac.compare_digest(expected, candidate) for candidate in candidates):
        raise BadSignature("the signature does not match")


@dataclass(frozen=True, slots=True)
class Event:
    idempotency_key: str
    event_type: str
    app_id: str
    room: str  # without the AppID
    occurred_at: datetime
    participant_id: str  # context.user.id of the token, when the participant had one
    email: str
    name: str
    moderator: bool


def parse_event(payload: Mapping[str, Any]) -> Event:
    try:
        key = str(payload["idempotencyKey"])
        event_type = str(payload["eventType"])
        fqn = str(payload["fqn"])
        millis = int(payload["timestamp"])
    except (KeyError, TypeError, ValueError) as exc:
        raise BadPayload(f"not a JaaS event: {exc}") from exc
    app_id, _sep, room = fqn.partition("/")
    data = payload.get("data") or {}
    if not isinstance(data, Mapping):
        raise BadPayload("data must be an object")
    moderator = data.get("moderator")
    return Event(
        idempotency_key=key,
        event_type=event_type,
        app_id=str(payload.get("appId") or app_id),
        room=room,
        occurred_at=datetime.fromtimestamp(millis / 1000, UTC),
        participant_id=str(data.get("id") or ""),
        email=str(data.get("email") or ""),
        name=str(data.get("name") or ""),
        moderator=moderator is True or moderator == "true",
    )


def participant_key(event: Event) -> str:
    return event.participant_id or event.email.lower()


def presence(events: Iterable[Event], until: datetime) -> dict[str, timedelta]:
    """Each participant's time in the room: the union of their join/leave intervals.

    Events are taken in timestamp order whatever order they came in; two devices of one
    person count once (an open-connection counter); a join never followed by a leave
    counts until `until` (the room's end); a leave without a join is ignored.
    """
    ordered = sorted(
        (e for e in events if e.event_type in (JOINED, LEFT)),
        key=lambda e: (e.occurred_at, e.event_type == JOINED),
    )
    open_count: dict[str, int] = defaultdict(int)
    since: dict[str, datetime] = {}
    total: dict[str, timedelta] = defaultdict(timedelta)
    for event in ordered:
        key = participant_key(event)
        if not key:
            continue
        if event.event_type == JOINED:
            if open_count[key] == 0:
                since[key] = event.occurred_at
            open_count[key] += 1
        elif open_count[key] > 0:
            open_count[key] -= 1
            if open_count[key] == 0:
                total[key] += max(event.occurred_at - since.pop(key), timedelta(0))
    for key, started in since.items():
        total[key] += max(until - started, timedelta(0))
    return dict(total)
