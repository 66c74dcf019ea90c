"""Stripe webhooks without the SDK: `Stripe-Signature` verification and event mapping.

Signature (Stripe docs, "Verify webhook signatures manually"): the header holds
`t=<unix time>,v1=<hex>[,v1=<hex>…]`; v1 is HMAC-SHA256 with the endpoint secret of
"<t>.<raw body>". A timestamp more than `tolerance` seconds away from `now` is refused,
so a captured delivery cannot be replayed later.

Invoices are found by `metadata.clausier_invoice` on the PaymentIntent (set when the
payment is created). A failed SEPA debit is a rejected debit (art. 9.1.3 §2); a declined
card is not a "prélèvement" (Code civil art. 1190): the client is told by mail and the
invoice stays due (issue 16, `payments/hosted.py`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from clausier.accounts.models import Provider
from clausier.billing.models import Gateway, ProviderEventStatus
from clausier.billing.payments import actions
from clausier.billing.payments.base import (
    Event,
    InvalidSignature,
    MalformedPayload,
    Outcome,
    StaleTimestamp,
    header,
    identifier,
    load_json,
    mapping,
    same_digest,
)

SIGNATURE_HEADER = "Stripe-Signature"
DEFAULT_TOLERANCE = 300  # seconds, as Stripe's own libraries
INVOICE_KEY = "clausier_invoice"
DEBIT_METHODS = {"sepa_debit"}
MAX_CENTS = 10**14  # Payment.amount holds 14 digits with 2 decimals
MAX_TIMESTAMP = 253_402_300_800  # year 10000


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The header Stripe would send (used by tests and by anyone replaying a payload)."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def _parse_header(value: str) -> tuple[int, list[str]]:
    timestamp: int | None = None
    signatures: list[str] = []
    for item in value.split(","):
        key, _sep, val = item.strip().partition("=")
        if key == "t" and val.isdigit():
            timestamp = int(val)
        elif key == "v1" and val:
            signatures.append(val)
    if timestamp is None or not signatures:
        raise InvalidSignature(_("En-tête Stripe-Signature illisible."))
    return timestamp, signatures


def _cents(value: Any) -> Decimal:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value < MAX_CENTS:
        raise MalformedPayload(_("Montant Stripe invalide."))
    return Decimal(value) / 100


def _check_object(kind: str, obj: dict[str, Any]) -> None:
    """Refuse (400, nothing stored) an event whose handling would trip on its shape."""
    if kind in ("payment_intent.succeeded", "payment_intent.payment_failed"):
        if identifier(obj.get("id")) is None:
            raise MalformedPayload(_("PaymentIntent Stripe sans identifiant."))
        mapping(obj, "metadata", "PaymentIntent")
        error = mapping(obj, "last_payment_error", "PaymentIntent")
        mapping(error, "payment_method", "last_payment_error")
        if not isinstance(obj.get("payment_method_types") or [], list):
            raise MalformedPayload(_("PaymentIntent Stripe : payment_method_types illisible."))
    if kind == "payment_intent.succeeded":
        _cents(obj.get("amount_received", obj.get("amount")))
        if not isinstance(obj.get("currency"), str):
            raise MalformedPayload(_("PaymentIntent Stripe sans devise."))
    if kind == "mandate.updated":
        mapping(mapping(obj, "payment_method_details", "Mandate"), "sepa_debit", "Mandate")


class StripeGateway:
    gateway = Gateway.STRIPE.value

    def __init__(self, provider: Provider, secret: str, tolerance: int = DEFAULT_TOLERANCE):
        self.provider = provider
        self.secret = secret
        self.tolerance = tolerance

    def verify_webhook(self, headers: Mapping[str, str], body: bytes, now: datetime) -> list[Event]:
        timestamp, signatures = _parse_header(header(headers, SIGNATURE_HEADER))
        expected = hmac.new(
            self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
        ).hexdigest()
        if not any(same_digest(expected, given) for given in signatures):
            raise InvalidSignature(_("Signature Stripe invalide."))
        if abs(now.timestamp() - timestamp) > self.tolerance:
            raise StaleTimestamp(
                _("Horodatage Stripe hors de la tolérance de %(seconds)s secondes.")
                % {"seconds": self.tolerance}
            )
        return [self._event(body)]

    def _event(self, body: bytes) -> Event:
        data = load_json(body)
        if not isinstance(data, dict):
            raise MalformedPayload(_("Événement Stripe illisible : un objet JSON est attendu."))
        event_id, kind = identifier(data.get("id")), identifier(data.get("type"))
        if event_id is None or kind is None:
            raise MalformedPayload(_("Événement Stripe sans id ni type."))
        obj = mapping(data, "data", "Stripe").get("object")
        if not isinstance(obj, dict):
            raise MalformedPayload(_("Événement Stripe sans data.object."))
        _check_object(kind, obj)
        created = data.get("created")
        created_at = (
            datetime.fromtimestamp(created, UTC)
            if isinstance(created, int) and 0 <= created < MAX_TIMESTAMP
            else None
        )
        return Event(self.gateway, event_id, kind, created_at, data)

    def handle(self, event: Event, now: datetime) -> Outcome:
        obj: dict[str, Any] = event.data["data"]["object"]
        if event.type == "payment_intent.succeeded":
            return self._succeeded(obj, now)
        if event.type == "payment_intent.payment_failed":
            return self._failed(obj, now)
        if event.type == "mandate.updated" and obj.get("status") == "inactive":
            details = obj.get("payment_method_details") or {}
            reference = (details.get("sepa_debit") or {}).get("reference") or ""
            return actions.end_mandate(
                now=now,
                provider=self.provider,
                gateway=self.gateway,
                external_id=str(obj.get("id") or ""),
                reference=str(reference),
                why=_("Mandat désactivé chez Stripe."),
            )
        return Outcome(ProviderEventStatus.IGNORED, _("Événement sans effet sur la facturation."))

    def _invoice_of(self, obj: dict[str, Any]) -> Any:
        metadata = obj.get("metadata") or {}
        return actions.find_invoice(self.provider, str(metadata.get(INVOICE_KEY) or ""))

    def _succeeded(self, obj: dict[str, Any], now: datetime) -> Outcome:
        invoice = self._invoice_of(obj)
        if invoice is None:
            return actions.unmatched(str(obj.get("id")))
        if str(obj.get("currency", "")).upper() != invoice.currency:
            return Outcome(ProviderEventStatus.FAILED, _("Devise différente de la facture."))
        amount = _cents(obj.get("amount_received", obj.get("amount")))
        return actions.pay(
            now=now, invoice=invoice, amount=amount, method=self.gateway, reference=str(obj["id"])
        )

    def _failed(self, obj: dict[str, Any], now: datetime) -> Outcome:
        invoice = self._invoice_of(obj)
        if invoice is None:
            return actions.unmatched(str(obj.get("id")))
        error = obj.get("last_payment_error") or {}
        method = (error.get("payment_method") or {}).get("type")
        if method is None:
            types = obj.get("payment_method_types") or []
            method = types[0] if len(types) == 1 else ""
        method = method if isinstance(method, str) else ""
        code = str(error.get("decline_code") or error.get("code") or "")[:100]
        if method == "card":
            amount = obj.get("amount")
            return actions.card_declined(
                now=now,
                invoice=invoice,
                reference=str(obj["id"]),
                amount=_cents(amount) if isinstance(amount, int) else invoice.total_ttc,
                code=code,
            )
        if method not in DEBIT_METHODS:
            return Outcome(
                ProviderEventStatus.IGNORED,
                _("Paiement par %(method)s refusé : ce n'est pas un prélèvement.")
                % {"method": method or "?"},
            )
        debit = actions.gateway_debit(
            now=now, invoice=invoice, channel=self.gateway, external_id=str(obj["id"])
        )
        return actions.reject(
            now=now, debit=debit, code=code, reason=str(error.get("message") or "")[:300]
        )
