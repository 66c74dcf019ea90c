"""Receiving gateway webhooks: verify, store each event, handle it once.

Answers (the status codes gateways act on): 400 for a delivery we refuse (bad or missing
signature, stale timestamp, malformed JSON: nothing applied, the gateway's own retry or
dashboard keeps it); 404 for an unknown provider or gateway not configured; 200 once
every event is stored and handled, or was already (a replay); 503 when handling failed
unexpectedly: the event stays stored as failed and the gateway's retry handles it again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Provider
from clausier.billing.errors import BillingError
from clausier.billing.models import Gateway, GatewayAccount, ProviderEvent, ProviderEventStatus
from clausier.billing.payments.base import Event, PaymentProvider, WebhookError
from clausier.billing.payments.gocardless import GoCardlessGateway
from clausier.billing.payments.stripe import StripeGateway

logger = logging.getLogger(__name__)

ADAPTERS: dict[str, Callable[[Provider, str], PaymentProvider]] = {
    Gateway.STRIPE.value: StripeGateway,
    Gateway.GOCARDLESS.value: GoCardlessGateway,
}
# A replay of an event in these states changes nothing; the others are handled again.
FINAL = {ProviderEventStatus.PROCESSED, ProviderEventStatus.IGNORED}


@dataclass
class Reply:
    status_code: int
    body: dict[str, Any] = field(default_factory=dict)


def adapter_for(provider: Provider, gateway: str) -> PaymentProvider | None:
    account = GatewayAccount.objects.filter(provider=provider, gateway=gateway).first()
    factory = ADAPTERS.get(gateway)
    if account is None or factory is None:
        return None
    return factory(provider, account.webhook_secret)


def receive(
    *, provider: Provider, gateway: str, headers: Mapping[str, str], body: bytes, now: datetime
) -> Reply:
    adapter = adapter_for(provider, gateway)
    if adapter is None:
        return Reply(404, {"error": _("Passerelle de paiement non configurée."), "code": "unknown"})
    try:
        events = adapter.verify_webhook(headers, body, now)
    except WebhookError as exc:
        logger.warning("refused %s webhook for %s: %s", gateway, provider.slug, exc.message)
        return Reply(400, {"error": str(exc.message), "code": exc.code})
    results = [
        handle_event(provider=provider, adapter=adapter, event=event, now=now) for event in events
    ]
    failed = any(result["status"] == "error" for result in results)
    return Reply(503 if failed else 200, {"events": results})


def _store(provider: Provider, event: Event, now: datetime) -> ProviderEvent:
    row, _created = ProviderEvent.objects.get_or_create(
        provider=provider,
        gateway=event.gateway,
        event_id=event.id,
        defaults={"event_type": event.type, "payload": event.data, "received_at": now},
    )
    return row


def handle_event(
    *, provider: Provider, adapter: PaymentProvider, event: Event, now: datetime
) -> dict[str, Any]:
    """Store the event (committed first, so nothing is lost), then handle it once."""
    row = _store(provider, event, now)
    try:
        with transaction.atomic():
            row = ProviderEvent.objects.select_for_update().get(pk=row.pk)
            if row.status in FINAL:
                return {"id": event.id, "status": "duplicate", "outcome": row.outcome}
            try:
                with transaction.atomic():
                    outcome = adapter.handle(event, now)
                status, message = outcome.status, outcome.message
            except BillingError as exc:
                # A refusal of the rules: retrying will not change it; staff see it.
                status, message = ProviderEventStatus.FAILED, str(exc.message)
            ProviderEvent.objects.filter(pk=row.pk).update(
                status=status,
                outcome=message[:300],
                processed_at=now,
                attempts=row.attempts + 1,
            )
            return {"id": event.id, "status": status, "outcome": message}
    except Exception as exc:
        logger.exception("handling %s event %s failed", event.gateway, event.id)
        ProviderEvent.objects.filter(pk=row.pk).update(
            status=ProviderEventStatus.FAILED,
            outcome=f"{type(exc).__name__}: {exc}"[:300],
            attempts=row.attempts + 1,
        )
        return {"id": event.id, "status": "error", "outcome": type(exc).__name__}
