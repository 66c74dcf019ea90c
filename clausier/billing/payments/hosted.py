"""Card payment on the gateway's hosted page (issue 16; coaching art. 8.2.1 "par cartes
bancaires", art. 8.2.2 STRIPE).

"Payer par carte" on an unpaid invoice sends the client administrator to the gateway's
own page: no card number ever passes through Clausier. The payment is recorded by the
gateway's signed webhook only (`payment_intent.succeeded`, `payments/stripe.py`, amount
and currency checked, idempotent by the PaymentIntent id), never by the return URL, which
anyone can open. A declined card (`payment_intent.payment_failed` with a card) mails the
client and the invoice stays due.

Creating the checkout session is the gateway's API, the one thing faked: with
`PAYMENT_HOSTED_PAGE=test` (`make run` and the tests; `off` by default) a local
page plays the gateway (`test_gateway_page`): it shows the amount and, on "Payer" or
"Carte refusée", signs with the provider's webhook secret and delivers the event Stripe
would send, through the same `webhooks.receive` as the real endpoint, then returns to the
portal as Stripe does. A real Stripe client needs the account's API key (not stored yet).
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.balances import balance_due
from clausier.billing.models import Gateway, GatewayAccount, Invoice, InvoiceKind
from clausier.billing.payments import stripe, webhooks
from clausier.core import audit

CLAUSE = "Art. 8.2.1-8.2.2 (coaching)"
_SALT = "clausier.billing.test-gateway"
TEST_SESSION_MAX_AGE = 3600


@dataclass(frozen=True)
class HostedSession:
    id: str
    url: str


def card_payment_offered(invoice: Invoice) -> bool:
    """A card can pay this invoice: the provider has a Stripe account, and the page exists."""
    return (
        settings.PAYMENT_HOSTED_PAGE == "test"
        and invoice.kind == InvoiceKind.INVOICE
        and invoice.funder_id is None
        and GatewayAccount.objects.filter(
            provider_id=invoice.provider_id, gateway=Gateway.STRIPE
        ).exists()
    )


def start_card_payment(
    *, now: datetime, person: Person, invoice: Invoice, return_url: str
) -> HostedSession:
    """The client administrator leaves for the gateway's page to pay the balance due."""
    if invoice.client_id not in scoping.client_ids(person, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client règle une facture."))
    if not card_payment_offered(invoice):
        raise BillingError(
            _("Le paiement par carte n'est pas proposé pour cette facture."), "card_unavailable"
        )
    amount = balance_due(invoice)
    if amount <= 0:
        raise BillingError(_("Cette facture est déjà réglée."), "already_paid")
    session = _test_session(invoice, amount, return_url)
    with transaction.atomic():
        audit.record(
            "invoice.card_payment_started",
            invoice,
            actor=person,
            provider=invoice.provider,
            client=invoice.client,
            details={"session": session.id, "amount": str(amount), "clause": CLAUSE},
        )
    return session


# --- The test gateway: what the gateway's API and hosted page would do ----------------


def _test_session(invoice: Invoice, amount: Decimal, return_url: str) -> HostedSession:
    session_id = f"cs_test_{secrets.token_hex(12)}"
    token = signing.dumps(
        {
            "session": session_id,
            "provider": invoice.provider_id,
            "invoice": invoice.display_number,
            "cents": int(amount * 100),
            "currency": invoice.currency,
            "return": return_url,
        },
        salt=_SALT,
    )
    return HostedSession(session_id, reverse("billing:test_gateway", args=[token]))


def read_test_session(token: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = signing.loads(token, salt=_SALT, max_age=TEST_SESSION_MAX_AGE)
    except signing.BadSignature:
        raise BillingError(_("Session de paiement inconnue ou expirée."), "bad_session") from None
    return data


def settle_test_session(session: dict[str, Any], *, paid: bool, now: datetime) -> str:
    """Deliver the webhook the gateway would send for this session; the return URL."""
    account = GatewayAccount.objects.select_related("provider").get(
        provider_id=session["provider"], gateway=Gateway.STRIPE
    )
    intent: dict[str, Any] = {
        "id": "pi_" + session["session"].removeprefix("cs_test_"),
        "object": "payment_intent",
        "amount": session["cents"],
        "currency": session["currency"].lower(),
        "metadata": {stripe.INVOICE_KEY: session["invoice"]},
        "payment_method_types": ["card"],
    }
    if paid:
        kind = "payment_intent.succeeded"
        intent["amount_received"] = session["cents"]
    else:
        kind = "payment_intent.payment_failed"
        intent["last_payment_error"] = {
            "code": "card_declined",
            "decline_code": "insufficient_funds",
            "message": "Your card has insufficient funds.",
            "payment_method": {"type": "card"},
        }
    event = {
        "id": f"evt_{secrets.token_hex(12)}",
        "type": kind,
        "created": int(now.timestamp()),
        "data": {"object": intent},
    }
    body = json.dumps(event).encode()
    signature = stripe.sign(account.webhook_secret, body, int(now.timestamp()))
    webhooks.receive(
        provider=account.provider,
        gateway=Gateway.STRIPE.value,
        headers={stripe.SIGNATURE_HEADER: signature},
        body=body,
        now=now,
    )
    outcome = "paid" if paid else "declined"
    separator = "&" if "?" in session["return"] else "?"
    return f"{session['return']}{separator}carte={outcome}"
