"""The interface every payment gateway adapter implements, and its errors."""

from __future__ import annotations

import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from django.utils.translation import gettext as _

from clausier.billing.errors import BillingError


class WebhookError(BillingError):
    """A delivery we refuse (answered 400): nothing of it was applied."""

    code = "bad_webhook"


class InvalidSignature(WebhookError):
    code = "invalid_signature"


class StaleTimestamp(WebhookError):
    code = "stale_timestamp"


class MalformedPayload(WebhookError):
    code = "malformed_payload"


@dataclass(frozen=True)
class Event:
    """One gateway event, verified: `data` is the event object as the gateway sent it."""

    gateway: str
    id: str
    type: str
    created_at: datetime | None
    data: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Outcome:
    """What handling an event did; `status` is a `ProviderEventStatus` value."""

    status: str
    message: str
    details: dict[str, Any] = field(default_factory=dict)


class PaymentProvider(Protocol):
    """A payment gateway adapter, bound to one provider (tenant) and its webhook secret.

    A delivery may carry several events (GoCardless batches them), hence a list.
    """

    gateway: str

    def verify_webhook(
        self, headers: Mapping[str, str], body: bytes, now: datetime
    ) -> list[Event]: ...

    def handle(self, event: Event, now: datetime) -> Outcome: ...


def header(headers: Mapping[str, str], name: str) -> str:
    """A header by case-insensitive name; missing is refused like a bad signature."""
    wanted = name.lower()
    for key, value in headers.items():
        if key.lower() == wanted:
            return value
    raise InvalidSignature(_("En-tête %(name)s absent.") % {"name": name})


def same_digest(expected: str, given: str) -> bool:
    return hmac.compare_digest(expected.encode(), given.strip().lower().encode())


# Gateway events nest a handful of levels; json.loads recurses once per level, so a
# 100,000-level body would exhaust the stack before any check could run on its result.
MAX_JSON_DEPTH = 64
MAX_ID_LENGTH = 100  # ProviderEvent.event_id and event_type


def json_depth(body: bytes) -> int:
    """The deepest nesting of arrays and objects in a JSON text, outside strings.

    A linear scan without recursion, run before `json.loads`.
    """
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            deepest = max(deepest, depth)
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def load_json(body: bytes) -> Any:
    """The delivery's JSON, refused (MalformedPayload) when unreadable or too deep."""
    if json_depth(body) > MAX_JSON_DEPTH:
        raise MalformedPayload(
            _("JSON imbriqué sur plus de %(depth)s niveaux.") % {"depth": MAX_JSON_DEPTH}
        )
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise MalformedPayload(_("JSON illisible : %(error)s") % {"error": exc}) from None


def identifier(value: Any) -> str | None:
    """A gateway id or type: a non-empty string short enough to store, else None."""
    if isinstance(value, str) and 0 < len(value) <= MAX_ID_LENGTH:
        return value
    return None


def mapping(parent: Any, key: str, what: str) -> dict[str, Any]:
    """`parent[key]` as an object: absent or null is empty, anything else is refused."""
    value = parent.get(key) if isinstance(parent, dict) else None
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise MalformedPayload(
            _("%(what)s : « %(key)s » devrait être un objet.") % {"what": what, "key": key}
        )
    return value
