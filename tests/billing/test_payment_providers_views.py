"""The webhook endpoints: CSRF-exempt, 400 on a bad signature, 200 on replays, never 500."""

from __future__ import annotations

import time

import pytest
from django.test import Client
from django.urls import include, path, reverse

from clausier.billing.models import Payment, ProviderEvent
from clausier.billing.payments import gocardless, stripe, webhooks
from clausier.urls import urlpatterns as project_urls
from tests.billing.payloads import (
    GOCARDLESS_SECRET,
    STRIPE_SECRET,
    coaching_client_on_direct_debit,
    load,
)

pytestmark = [pytest.mark.django_db, pytest.mark.urls(__name__)]
# The project's URLs plus billing's, as clausier/urls.py will include them.
urlpatterns = [path("billing/", include("clausier.billing.urls")), *project_urls]


def csrf_client() -> Client:
    return Client(enforce_csrf_checks=True)


def stripe_post(client: Client, slug: str, body: bytes, secret: str = STRIPE_SECRET):
    return client.post(
        reverse("billing:stripe_webhook", kwargs={"provider": slug}),
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=stripe.sign(secret, body, int(time.time())),
    )


def stripe_body(w: dict) -> bytes:
    invoice = w["second"]
    return load(
        "stripe_payment_intent_succeeded.json",
        invoice=invoice.display_number,
        amount=str(int(invoice.total_ttc * 100)),
    )


def test_the_urls_are_named_as_documented():
    assert reverse("billing:stripe_webhook", kwargs={"provider": "kestio"}) == (
        "/billing/webhooks/stripe/kestio/"
    )
    assert reverse("billing:gocardless_webhook", kwargs={"provider": "kestio"}) == (
        "/billing/webhooks/gocardless/kestio/"
    )


def test_a_signed_stripe_delivery_is_accepted_without_a_csrf_token_then_deduplicated():
    w = coaching_client_on_direct_debit()
    client = csrf_client()
    first = stripe_post(client, w["provider"].slug, stripe_body(w))
    assert first.status_code == 200, first.content
    again = stripe_post(client, w["provider"].slug, stripe_body(w))
    assert again.status_code == 200
    assert again.json()["events"][0]["status"] == "duplicate"
    assert Payment.objects.filter(method="stripe").count() == 1


def test_a_bad_signature_answers_400_with_the_reason():
    w = coaching_client_on_direct_debit()
    response = stripe_post(csrf_client(), w["provider"].slug, stripe_body(w), secret="whsec_x")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_signature"


def test_a_signed_gocardless_delivery_is_accepted():
    w = coaching_client_on_direct_debit()
    body = load("gocardless_payment_confirmed.json", invoice=w["second"].display_number)
    response = csrf_client().post(
        reverse("billing:gocardless_webhook", kwargs={"provider": w["provider"].slug}),
        data=body,
        content_type="application/json",
        HTTP_WEBHOOK_SIGNATURE=gocardless.sign(GOCARDLESS_SECRET, body),
    )
    assert response.status_code == 200
    assert Payment.objects.filter(method="gocardless").count() == 1


def test_unknown_providers_and_unconfigured_gateways_answer_404():
    w = coaching_client_on_direct_debit()
    assert stripe_post(csrf_client(), "nobody", stripe_body(w)).status_code == 404
    w["provider"].gateway_accounts.all().delete()
    assert stripe_post(csrf_client(), w["provider"].slug, stripe_body(w)).status_code == 404


def test_get_is_not_allowed():
    w = coaching_client_on_direct_debit()
    url = reverse("billing:stripe_webhook", kwargs={"provider": w["provider"].slug})
    assert csrf_client().get(url).status_code == 405


def test_an_unexpected_error_answers_503_never_500(monkeypatch):
    w = coaching_client_on_direct_debit()

    def explode(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(webhooks, "receive", explode)
    response = stripe_post(csrf_client(), w["provider"].slug, stripe_body(w))
    assert response.status_code == 503
    assert not ProviderEvent.objects.exists()
