"""GoCardless webhooks: hex HMAC of the body, batched events, each handled once."""

from __future__ import annotations

import json
from datetime import date, timedelta
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
from clausier.billing.payments import actions, gocardless, sepa, webhooks
from clausier.billing.payments.base import InvalidSignature, MalformedPayload
from tests.billing.payloads import GOCARDLESS_SECRET, at, coaching_client_on_direct_debit, load

pytestmark = pytest.mark.django_db
NOW = at(date(2026, 3, 18))


def deliver(w: dict, body: bytes, secret: str = GOCARDLESS_SECRET, now=NOW):
    headers = {"Webhook-Signature": gocardless.sign(secret, body)}
    return webhooks.receive(
        provider=w["provider"], gateway="gocardless", headers=headers, body=body, now=now
    )


def payment_event(w: dict, name: str) -> bytes:
    return load(name, invoice=w["second"].display_number)


def test_a_confirmed_payment_pays_the_invoice_it_was_created_for():
    w = coaching_client_on_direct_debit()
    reply = deliver(w, payment_event(w, "gocardless_payment_confirmed.json"))
    assert reply.status_code == 200
    payment = Payment.objects.get(method="gocardless")
    assert payment.reference == "PM00ABCD123456"
    assert payment.amount == Decimal("468.00")
    assert services.balance_due(w["second"]) == 0
    debit = DirectDebit.objects.get()
    assert (debit.channel, debit.status) == ("gocardless", DebitStatus.COLLECTED)


def test_a_payment_registered_beforehand_is_matched_by_its_id():
    w = coaching_client_on_direct_debit()
    actions.gateway_debit(
        now=NOW, invoice=w["second"], channel="gocardless", external_id="PM00ABCD123456"
    )
    body = load("gocardless_payment_confirmed.json", invoice="")
    assert deliver(w, body).status_code == 200
    assert Payment.objects.get(method="gocardless").invoice == w["second"]


def test_a_replayed_delivery_records_one_payment():
    w = coaching_client_on_direct_debit()
    body = payment_event(w, "gocardless_payment_confirmed.json")
    deliver(w, body)
    reply = deliver(w, body, now=NOW + timedelta(hours=1))
    assert reply.status_code == 200
    assert reply.body["events"][0]["status"] == "duplicate"
    assert Payment.objects.filter(method="gocardless").count() == 1


def test_a_failed_payment_is_a_rejected_debit_and_accelerates_the_year():
    w = coaching_client_on_direct_debit()
    assert deliver(w, payment_event(w, "gocardless_payment_failed.json")).status_code == 200
    debit = DirectDebit.objects.get()
    assert (debit.status, debit.reason_code) == (DebitStatus.REJECTED, "AM04")
    accelerated = Invoice.objects.get(idempotency_key__startswith="acceleration:")
    assert accelerated.total_ht == Decimal("3900.00")
    assert not Payment.objects.filter(method="gocardless").exists()


def test_a_cancelled_mandate_revokes_ours_and_rejects_debits_pending_on_it():
    w = coaching_client_on_direct_debit()
    mandate = w["mandate"]
    type(mandate).objects.filter(pk=mandate.pk).update(
        gateway="gocardless", external_id="MD000XK2P7QW3E"
    )
    sepa.export_pain008(w["provider"], date(2026, 3, 15), at(date(2026, 3, 10)))
    reply = deliver(w, load("gocardless_mandate_cancelled.json"))
    assert reply.status_code == 200
    statuses = [e["status"] for e in reply.body["events"]]
    assert statuses == [ProviderEventStatus.PROCESSED, ProviderEventStatus.IGNORED]
    mandate.refresh_from_db()
    assert mandate.status == MandateStatus.REVOKED
    assert DirectDebit.objects.get().status == DebitStatus.REJECTED
    assert Invoice.objects.filter(idempotency_key__startswith="acceleration:").count() == 1
    assert ProviderEvent.objects.count() == 2


def test_a_bad_signature_is_refused_and_nothing_is_stored():
    w = coaching_client_on_direct_debit()
    reply = deliver(w, payment_event(w, "gocardless_payment_confirmed.json"), secret="nope")
    assert reply.status_code == 400
    assert reply.body["code"] == "invalid_signature"
    assert not ProviderEvent.objects.exists()
    gateway = gocardless.GoCardlessGateway(w["provider"], GOCARDLESS_SECRET)
    with pytest.raises(InvalidSignature):
        gateway.verify_webhook({}, b"{}", NOW)


@pytest.mark.parametrize(
    "body",
    [
        b"{oops",
        b'{"event": []}',
        b'{"events": [42]}',
        b'{"events": [{"id": "EV1", "action": "confirmed"}]}',
    ],
    ids=["broken", "no-events", "not-an-object", "no-resource"],
)
def test_malformed_json_is_refused_with_a_clear_error(body):
    w = coaching_client_on_direct_debit()
    reply = deliver(w, body)
    assert reply.status_code == 400
    assert reply.body["code"] == "malformed_payload"
    gateway = gocardless.GoCardlessGateway(w["provider"], GOCARDLESS_SECRET)
    with pytest.raises(MalformedPayload):
        gateway.verify_webhook(
            {"Webhook-Signature": gocardless.sign(GOCARDLESS_SECRET, body)}, body, NOW
        )


def test_an_unknown_payment_is_kept_for_later_and_handled_on_replay():
    w = coaching_client_on_direct_debit()
    body = load("gocardless_payment_confirmed.json", invoice="")
    assert deliver(w, body).status_code == 200
    assert ProviderEvent.objects.get().status == ProviderEventStatus.UNMATCHED
    # Staff register the payment; GoCardless's retry (or a replay) now applies it.
    actions.gateway_debit(
        now=NOW, invoice=w["second"], channel="gocardless", external_id="PM00ABCD123456"
    )
    assert deliver(w, body).body["events"][0]["status"] == ProviderEventStatus.PROCESSED
    assert Payment.objects.filter(method="gocardless").count() == 1


def test_a_crash_while_handling_keeps_the_event_and_asks_for_a_retry(monkeypatch):
    w = coaching_client_on_direct_debit()
    body = payment_event(w, "gocardless_payment_confirmed.json")

    def explode(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "collect", explode)
    reply = deliver(w, body)
    assert reply.status_code == 503
    event = ProviderEvent.objects.get()
    assert event.status == ProviderEventStatus.FAILED
    assert "database went away" in event.outcome
    assert not Payment.objects.filter(method="gocardless").exists()
    monkeypatch.undo()
    assert deliver(w, body).status_code == 200
    assert Payment.objects.filter(method="gocardless").count() == 1
    assert json.loads(json.dumps(ProviderEvent.objects.get().payload))["id"] == "EV0029XJ4WKD0R"
