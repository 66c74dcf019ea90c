"""GoCardless webhooks without the SDK: `Webhook-Signature` verification and mapping.

Signature (GoCardless docs, "Webhooks"): the header is the hex HMAC-SHA256 of the raw
body with the endpoint's secret. A delivery holds `{"events": [...]}`, several events at
once. Events carry links (payment PM…, mandate MD…), not amounts: a payment is matched to
the `DirectDebit` registered with its id, else to `resource_metadata.clausier_invoice`.
Every GoCardless payment is a direct debit, so a failed or charged-back one is a
rejected debit (art. 9.1.3 §2).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from clausier.accounts.models import Provider
from clausier.billing.models import DirectDebit, Gateway, ProviderEventStatus
from clausier.billing.payments import actions
from clausier.billing.payments.base import (
    MAX_ID_LENGTH,
    Event,
    InvalidSignature,
    MalformedPayload,
    Outcome,
    header,
    identifier,
    load_json,
    mapping,
    same_digest,
)

SIGNATURE_HEADER = "Webhook-Signature"
INVOICE_KEY = "clausier_invoice"
# Funds are confirmed collected (then paid out to the creditor).
PAID_ACTIONS = {"confirmed", "paid_out"}
REJECTED_ACTIONS = {"failed", "charged_back", "late_failure_settled"}
MANDATE_ENDED = {"cancelled", "failed", "expired"}


def sign(secret: str, body: bytes) -> str:
    return hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


class GoCardlessGateway:
    gateway = Gateway.GOCARDLESS.value

    def __init__(self, provider: Provider, secret: str):
        self.provider = provider
        self.secret = secret

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Event]:
        if not same_digest(sign(self.secret, body), header(headers, SIGNATURE_HEADER)):
            raise InvalidSignature(_("Signature GoCardless invalide."))
        data = load_json(body)
        events = data.get("events") if isinstance(data, dict) else None
        if not isinstance(events, list):
            raise MalformedPayload(_("Livraison GoCardless sans liste « events »."))
        return [self._event(item) for item in events]

    def _event(self, item: Any) -> Event:
        if not isinstance(item, dict):
            raise MalformedPayload(_("Événement GoCardless illisible."))
        event_id = identifier(item.get("id"))
        resource, action = identifier(item.get("resource_type")), identifier(item.get("action"))
        if event_id is None or resource is None or action is None:
            raise MalformedPayload(_("Événement GoCardless sans id, resource_type ou action."))
        kind = f"{resource}.{action}"
        if len(kind) > MAX_ID_LENGTH:
            raise MalformedPayload(_("Événement GoCardless sans id, resource_type ou action."))
        # The handling reads these as objects: refuse now rather than fail after storing.
        for key in ("links", "details", "resource_metadata"):
            mapping(item, key, "GoCardless")
        return Event(self.gateway, event_id, kind, _parse_time(item.get("created_at")), item)

    def handle(self, event: Event, now: datetime) -> Outcome:
        resource, _sep, action = event.type.partition(".")
        links: dict[str, Any] = event.data.get("links") or {}
        details: dict[str, Any] = event.data.get("details") or {}
        if resource == "payments" and (action in PAID_ACTIONS or action in REJECTED_ACTIONS):
            debit = self._debit(event, str(links.get("payment") or ""), now)
            if debit is None:
                return actions.unmatched(str(links.get("payment")))
            if action in PAID_ACTIONS:
                return actions.collect(now=now, debit=debit, method=self.gateway)
            return actions.reject(
                now=now,
                debit=debit,
                code=str(details.get("reason_code") or details.get("cause") or action),
                reason=str(details.get("description") or "")[:300],
            )
        if resource == "mandates" and action in MANDATE_ENDED:
            return actions.end_mandate(
                now=now,
                provider=self.provider,
                gateway=self.gateway,
                external_id=str(links.get("mandate") or ""),
                reference="",
                why=str(details.get("description") or details.get("cause") or action)[:200],
            )
        return Outcome(ProviderEventStatus.IGNORED, _("Événement sans effet sur la facturation."))

    def _debit(self, event: Event, payment_id: str, now: datetime) -> DirectDebit | None:
        if not payment_id:
            return None
        debit = DirectDebit.objects.filter(
            provider=self.provider, channel=self.gateway, external_id=payment_id
        ).first()
        if debit is not None:
            return debit
        metadata = event.data.get("resource_metadata") or {}
        invoice = actions.find_invoice(self.provider, str(metadata.get(INVOICE_KEY) or ""))
        if invoice is None:
            return None
        return actions.gateway_debit(
            now=now, invoice=invoice, channel=self.gateway, external_id=payment_id
        )
