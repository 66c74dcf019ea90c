"""Signed but malformed gateway deliveries answer 400 and change nothing.

They used to answer 503, so the gateway retried them forever: `data` as a string, a
100,000-level nested body (json.loads ran out of stack), a `payment_intent.succeeded`
without `object.id` (stored, then failed on handling).
"""

from __future__ import annotations

import json
import time

import pytest
from django.test import Client
from django.urls import reverse

from clausier.billing.models import DirectDebit, Payment, ProviderEvent
from clausier.billing.payments import gocardless, stripe
from tests.billing.payloads import GOCARDLESS_SECRET, STRIPE_SECRET, coaching_client_on_direct_debit

pytestmark = pytest.mark.django_db


def post_stripe(slug: str, body: bytes):
    return Client().post(
        reverse("billing:stripe_webhook", kwargs={"provider": slug}),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe.sign(STRIPE_SECRET, body, int(time.time())),
    )


def post_gocardless(slug: str, body: bytes):
    return Client().post(
        reverse("billing:gocardless_webhook", kwargs={"provider": slug}),
        data=body,
        content_type="application/json",
        HTTP_WEBHOOK_SIGNATURE=gocardless.sign(GOCARDLESS_SECRET, body),
    )


def state() -> tuple[int, int, int]:
    return ProviderEvent.objects.count(), Payment.objects.count(), DirectDebit.objects.count()


def nested(depth: int) -> bytes:
    return b'{"id": "evt_deep", "type": "x", "data": ' + b"[" * depth + b"]" * depth + b"}"


def succeeded(invoice: str, **overrides: object) -> bytes:
    obj = {
        "id": "pi_1",
        "amount_received": 46800,
        "currency": "eur",
        "metadata": {"clausier_invoice": invoice},
    }
    obj.update(overrides)
    obj = {key: value for key, value in obj.items() if value is not None}
    event = {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": obj}}
    return json.dumps(event).encode()


STRIPE_BODIES = {
    "data as a string": b'{"id": "evt_1", "type": "payment_intent.succeeded", "data": "x"}',
    "data.object as a list": b'{"id": "evt_1", "type": "payment_intent.succeeded", '
    b'"data": {"object": []}}',
    "100,000 levels deep": nested(100_000),
    "65 levels deep": nested(65),
    "an event id too long to store": json.dumps(
        {"id": "e" * 101, "type": "ping", "data": {"object": {}}}
    ).encode(),
}


@pytest.mark.parametrize("name", sorted(STRIPE_BODIES))
def test_it_answers_400_to_a_malformed_stripe_body(name):
    w = coaching_client_on_direct_debit()
    before = state()
    response = post_stripe(w["provider"].slug, STRIPE_BODIES[name])
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "malformed_payload"
    assert state() == before


@pytest.mark.parametrize(
    "overrides",
    [
        {"id": None},
        {"id": ""},
        {"id": 42},
        {"metadata": "F2026-000002"},
        {"amount_received": "46800"},
        {"amount_received": 10**20},
        {"currency": None},
        {"last_payment_error": ["card_declined"]},
    ],
)
def test_it_answers_400_to_a_payment_intent_it_could_not_handle(overrides):
    w = coaching_client_on_direct_debit()
    before = state()
    response = post_stripe(w["provider"].slug, succeeded(w["second"].display_number, **overrides))
    assert response.status_code == 400, response.content
    assert state() == before


def test_the_same_payment_intent_well_formed_is_applied():
    # The boundary of the tests above: the shape they break is the one that pays.
    w = coaching_client_on_direct_debit()
    body = succeeded(w["second"].display_number)
    response = post_stripe(w["provider"].slug, body)
    assert response.status_code == 200, response.content
    assert Payment.objects.filter(method="stripe", reference="pi_1").count() == 1


@pytest.mark.parametrize(
    "body",
    [
        b'{"events": "x"}',
        b'{"events": [{"id": "EV1", "resource_type": "payments", "action": "confirmed", '
        b'"links": "PM1"}]}',
        b'{"events": [{"id": "EV1", "resource_type": "payments", "action": "failed", '
        b'"details": ["x"]}]}',
        b'{"events": [{"id": "EV1", "resource_type": "payments", "action": "confirmed", '
        b'"links": {"payment": "PM1"}, "resource_metadata": 5}]}',
        b'{"events": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    ],
    ids=["events as a string", "links", "details", "resource_metadata", "deep"],
)
def test_it_answers_400_to_a_malformed_gocardless_body(body):
    w = coaching_client_on_direct_debit()
    before = state()
    response = post_gocardless(w["provider"].slug, body)
    assert response.status_code == 400, response.content
    assert state() == before
