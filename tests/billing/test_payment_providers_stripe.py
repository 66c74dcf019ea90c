"""Stripe webhooks: signature with tolerance, one payment per event, rejected SEPA debits."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.billing import services
from clausier.billing.models import (
    DebitStatus,
    DirectDebit,
    Invoice,
    MandateStatus,
    Payment,
    ProviderEvent,
    ProviderEventStatus,
)
from clausier.billing.payments import stripe, webhooks
from clausier.billing.payments.base import (
    InvalidSignature,
    MalformedPayload,
    StaleTimestamp,
)
from clausier.notify.models import OutboxMessage
from tests.billing.payloads import STRIPE_SECRET, at, coaching_client_on_direct_debit, load

pytestmark = pytest.mark.django_db
NOW = at(date(2026, 3, 18))


def cents(invoice: Invoice) -> str:
    return str(int(invoice.total_ttc * 100))


def deliver(w: dict, body: bytes, now: datetime = NOW, signed_at: datetime | None = None):
    timestamp = int((signed_at or now).timestamp())
    headers = {"Stripe-Signature": stripe.sign(STRIPE_SECRET, body, timestamp)}
    return webhooks.receive(
        provider=w["provider"], gateway="stripe", headers=headers, body=body, now=now
    )


def succeeded(w: dict) -> bytes:
    invoice = w["second"]
    return load(
        "stripe_payment_intent_succeeded.json",
        invoice=invoice.display_number,
        amount=cents(invoice),
    )


def test_a_succeeded_payment_intent_pays_its_invoice():
    w = coaching_client_on_direct_debit()
    reply = deliver(w, succeeded(w))
    assert reply.status_code == 200
    payment = Payment.objects.get(method="stripe")
    assert payment.invoice == w["second"]
    assert payment.amount == Decimal("468.00")
    assert payment.reference == "pi_3PqKb2LkdIwHu7ix0aB1cD2e"
    assert services.balance_due(w["second"]) == 0
    event = ProviderEvent.objects.get()
    assert event.status == ProviderEventStatus.PROCESSED
    assert event.event_id == "evt_3PqKb2LkdIwHu7ix0dN8xYzA"


def test_the_same_event_twice_records_one_payment():
    w = coaching_client_on_direct_debit()
    assert deliver(w, succeeded(w)).status_code == 200
    reply = deliver(w, succeeded(w), now=NOW + timedelta(minutes=2))
    assert reply.status_code == 200
    assert reply.body["events"][0]["status"] == "duplicate"
    assert Payment.objects.filter(method="stripe").count() == 1
    assert ProviderEvent.objects.count() == 1


def test_a_bad_signature_is_refused_and_nothing_is_stored():
    w = coaching_client_on_direct_debit()
    body = succeeded(w)
    headers = {"Stripe-Signature": stripe.sign("whsec_wrong", body, int(NOW.timestamp()))}
    reply = webhooks.receive(
        provider=w["provider"], gateway="stripe", headers=headers, body=body, now=NOW
    )
    assert reply.status_code == 400
    assert reply.body["code"] == "invalid_signature"
    assert not Payment.objects.filter(method="stripe").exists()
    assert not ProviderEvent.objects.exists()


def test_a_tampered_body_is_refused():
    w = coaching_client_on_direct_debit()
    body = succeeded(w)
    gateway = stripe.StripeGateway(w["provider"], STRIPE_SECRET)
    headers = {"stripe-signature": stripe.sign(STRIPE_SECRET, body, int(NOW.timestamp()))}
    with pytest.raises(InvalidSignature):
        gateway.verify_webhook(headers, body.replace(b"46800", b"100"), NOW)


def test_a_stale_timestamp_is_refused_even_with_a_good_signature():
    w = coaching_client_on_direct_debit()
    reply = deliver(w, succeeded(w), signed_at=NOW - timedelta(minutes=6))
    assert reply.status_code == 400
    assert reply.body["code"] == "stale_timestamp"
    gateway = stripe.StripeGateway(w["provider"], STRIPE_SECRET)
    body = succeeded(w)
    old = {"Stripe-Signature": stripe.sign(STRIPE_SECRET, body, int(NOW.timestamp()) - 301)}
    with pytest.raises(StaleTimestamp):
        gateway.verify_webhook(old, body, NOW)


def test_one_of_several_v1_signatures_is_enough_during_secret_rotation():
    w = coaching_client_on_direct_debit()
    body = succeeded(w)
    good = stripe.sign(STRIPE_SECRET, body, int(NOW.timestamp())).split(",")[1]
    header = f"t={int(NOW.timestamp())},v1={'0' * 64},{good},v0=deadbeef"
    gateway = stripe.StripeGateway(w["provider"], STRIPE_SECRET)
    [event] = gateway.verify_webhook({"Stripe-Signature": header}, body, NOW)
    assert event.type == "payment_intent.succeeded"


@pytest.mark.parametrize(
    "header", ["", "t=abc,v1=00", "v1=00", "t=1773824400", "garbage"], ids=repr
)
def test_an_unreadable_signature_header_is_refused(header):
    w = coaching_client_on_direct_debit()
    gateway = stripe.StripeGateway(w["provider"], STRIPE_SECRET)
    with pytest.raises(InvalidSignature):
        gateway.verify_webhook({"Stripe-Signature": header}, succeeded(w), NOW)
    with pytest.raises(InvalidSignature):
        gateway.verify_webhook({}, succeeded(w), NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[]",
        b'{"id": "evt_1", "type": "x"}',
        b'{"type": "x", "data": {"object": {}}}',
    ],
    ids=["broken", "array", "no-data", "no-id"],
)
def test_malformed_json_is_refused_with_a_clear_error(body):
    w = coaching_client_on_direct_debit()
    reply = deliver(w, body)
    assert reply.status_code == 400
    assert reply.body["code"] == "malformed_payload"
    gateway = stripe.StripeGateway(w["provider"], STRIPE_SECRET)
    headers = {"Stripe-Signature": stripe.sign(STRIPE_SECRET, body, int(NOW.timestamp()))}
    with pytest.raises(MalformedPayload):
        gateway.verify_webhook(headers, body, NOW)


def test_a_failed_sepa_debit_is_a_rejected_debit_and_accelerates_the_year():
    w = coaching_client_on_direct_debit()
    invoice = w["second"]
    body = load(
        "stripe_payment_intent_payment_failed_sepa.json",
        invoice=invoice.display_number,
        amount=cents(invoice),
    )
    reply = deliver(w, body)
    assert reply.status_code == 200
    debit = DirectDebit.objects.get()
    assert debit.channel == "stripe"
    assert debit.status == DebitStatus.REJECTED
    assert debit.reason_code == "insufficient_funds"
    accelerated = Invoice.objects.get(idempotency_key__startswith="acceleration:")
    assert accelerated.lines.count() == 10
    assert deliver(w, body).body["events"][0]["status"] == "duplicate"
    assert Invoice.objects.filter(idempotency_key__startswith="acceleration:").count() == 1


def test_a_declined_card_tells_the_client_once_but_is_not_a_rejected_debit():
    w = coaching_client_on_direct_debit()
    invoice = w["second"]
    body = load(
        "stripe_payment_intent_payment_failed_card.json",
        invoice=invoice.display_number,
        amount=cents(invoice),
    )
    due = services.balance_due(invoice)
    assert deliver(w, body).status_code == 200
    assert ProviderEvent.objects.get().status == ProviderEventStatus.PROCESSED
    assert not DirectDebit.objects.exists()
    assert not Invoice.objects.filter(idempotency_key__startswith="acceleration:").exists()
    assert services.balance_due(invoice) == due
    mails = OutboxMessage.objects.filter(template="card_declined")
    assert mails.count() >= 1
    assert all(invoice.display_number in m.subject for m in mails)
    # Redelivered (the gateway retries): no second mail.
    assert deliver(w, body).body["events"][0]["status"] == "duplicate"
    assert OutboxMessage.objects.filter(template="card_declined").count() == mails.count()


def test_an_inactive_mandate_revokes_ours_by_its_reference():
    w = coaching_client_on_direct_debit()
    body = load("stripe_mandate_updated_inactive.json", reference=w["mandate"].reference)
    assert deliver(w, body).status_code == 200
    w["mandate"].refresh_from_db()
    assert w["mandate"].status == MandateStatus.REVOKED


def test_an_unknown_invoice_is_kept_as_unmatched_and_unrelated_events_ignored():
    w = coaching_client_on_direct_debit()
    body = load("stripe_payment_intent_succeeded.json", invoice="F2026-424242", amount="100")
    assert deliver(w, body).status_code == 200
    event = ProviderEvent.objects.get()
    assert event.status == ProviderEventStatus.UNMATCHED
    assert event.payload["data"]["object"]["metadata"]["clausier_invoice"] == "F2026-424242"
    assert deliver(w, load("stripe_customer_created.json")).status_code == 200
    assert ProviderEvent.objects.get(event_type="customer.created").status == "ignored"


def test_signature_uses_real_time_when_asked():
    # Sanity check of the helper against the clock (no frozen time involved).
    w = coaching_client_on_direct_debit()
    body = succeeded(w)
    now = datetime.now(UTC)
    headers = {"Stripe-Signature": stripe.sign(STRIPE_SECRET, body, int(time.time()))}
    [event] = stripe.StripeGateway(w["provider"], STRIPE_SECRET).verify_webhook(headers, body, now)
    assert event.id.startswith("evt_")
