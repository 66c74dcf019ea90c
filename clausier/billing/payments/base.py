"""The interface every payment gateway adapter implements, and its errors."""

from __future__ import annotations

import hmac
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
