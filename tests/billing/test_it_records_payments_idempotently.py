"""Recording a payment through the API: once per reference, safely retried with an
`Idempotency-Key`, overpayments only when flagged, references scoped to the provider.

The same payment posted twice used to answer 201 twice and, with a method spelled
differently, drive the balance negative.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from clausier.accounts import services as accounts
from clausier.accounts.models import ServiceLine
from clausier.apikit.idempotency import KEEP, purge_expired
from clausier.apikit.models import IdempotentRequest
from clausier.billing import services
from clausier.billing.models import Invoice, Payment
from clausier.core.scheduler import registered_jobs
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def tenant(service_line: str = ServiceLine.MANAGED_HOSTING) -> tuple[Invoice, str]:
    """A provider's first invoice and its accountant's bearer header."""
    w = billing_world(service_line, NOW)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    _token, secret = accounts.create_api_token(
        now=timezone.now(), person=w["accountant"], name="compta"
    )
    return Invoice.objects.get(lines__subscription=subscription), f"Bearer {secret}"


def post(invoice: Invoice, bearer: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers = {"HTTP_AUTHORIZATION": bearer}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return Client().post(
        f"/api/invoices/{invoice.pk}/payments",
        data=json.dumps(body),
        content_type="application/json",
        **headers,
    )


def body(amount: str = "100.00", reference: str = "VIR-1", **more: Any) -> dict[str, Any]:
    return {"amount": amount, "method": "transfer", "reference": reference, **more}


def test_the_same_key_and_body_get_the_same_answer_and_one_payment():
    invoice, bearer = tenant()
    first = post(invoice, bearer, body(), key="retry-7f3a")
    again = post(invoice, bearer, body(), key="retry-7f3a")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first
    assert Payment.objects.count() == 1
    assert Decimal(again.json()["balance_due"]) == invoice.total_ttc - Decimal("100.00")


def test_the_same_key_with_another_body_is_refused_and_changes_nothing():
    invoice, bearer = tenant()
    post(invoice, bearer, body(), key="retry-7f3a")
    response = post(invoice, bearer, body(amount="90.00", reference="VIR-2"), key="retry-7f3a")
    assert response.status_code == 422
    assert response.json()["code"] == "idempotency_key_reused"
    assert Payment.objects.count() == 1


def test_a_refused_request_keeps_no_key_and_can_be_corrected():
    invoice, bearer = tenant()
    too_much = str(invoice.total_ttc + Decimal("1.00"))
    refused = post(invoice, bearer, body(amount=too_much), key="k1")
    assert refused.status_code == 400
    assert refused.json()["code"] == "overpayment"
    assert not IdempotentRequest.objects.exists()
    assert (
        post(invoice, bearer, body(amount=too_much, overpayment=True), key="k1").status_code == 201
    )


def test_the_same_payment_posted_twice_without_a_key_is_a_conflict():
    invoice, bearer = tenant()
    assert post(invoice, bearer, body()).status_code == 201
    second = post(invoice, bearer, body())
    assert second.status_code == 409
    assert second.json()["code"] == "payment_already_recorded"
    assert Payment.objects.count() == 1
    assert services.balance_due(invoice) == invoice.total_ttc - Decimal("100.00")


def test_an_overpayment_needs_the_flag():
    invoice, bearer = tenant()
    exact = post(invoice, bearer, body(amount=str(invoice.total_ttc)))
    assert exact.status_code == 201
    extra = post(invoice, bearer, body(amount="0.01", reference="VIR-2"))
    assert extra.status_code == 400
    flagged = post(invoice, bearer, body(amount="0.01", reference="VIR-2", overpayment=True))
    assert flagged.status_code == 201
    assert flagged.json()["balance_due"] == "-0.01"
    assert Payment.objects.get(reference="VIR-2").overpayment


@pytest.mark.parametrize(
    "method", ["virement", "Transfer", "sepa", "stripe", "gocardless", "sepa-return", ""]
)
def test_staff_choose_among_the_manual_methods(method):
    invoice, bearer = tenant()
    response = post(invoice, bearer, {"amount": "1.00", "method": method, "reference": "R"})
    assert response.status_code == 422
    assert "method" in response.json()["fields"]
    assert Payment.objects.count() == 0


def test_references_and_keys_of_another_provider_are_not_seen():
    kalanda, kalanda_bearer = tenant(ServiceLine.MANAGED_HOSTING)
    kestio, kestio_bearer = tenant(ServiceLine.COACHING_TRAINING)
    assert post(kalanda, kalanda_bearer, body(), key="shared-key").status_code == 201
    # The same reference and key at another provider: a payment of its own, no conflict.
    other = post(kestio, kestio_bearer, body(), key="shared-key")
    assert other.status_code == 201, other.content
    assert other.json()["id"] == kestio.pk
    assert Payment.objects.filter(reference="VIR-1").count() == 2


@pytest.mark.parametrize("key", ["", "with space", "é", "x" * 256])
def test_a_malformed_key_is_refused(key):
    invoice, bearer = tenant()
    response = post(invoice, bearer, body(), key=key)
    assert response.status_code == 422
    assert Payment.objects.count() == 0


def test_keys_are_forgotten_after_seven_days_and_then_free_again():
    invoice, bearer = tenant()
    assert post(invoice, bearer, body(), key="retry-7f3a").status_code == 201
    answered = IdempotentRequest.objects.get().created_at
    # The day before and the instant of the seventh day: kept.
    assert purge_expired(answered + KEEP - timedelta(days=1)) == 0
    assert purge_expired(answered + KEEP) == 0
    assert post(invoice, bearer, body("10.00", "VIR-2"), key="retry-7f3a").status_code == 422
    # Just after: forgotten, and the key may name a new write.
    assert purge_expired(answered + KEEP + timedelta(microseconds=1)) == 1
    assert post(invoice, bearer, body("10.00", "VIR-2"), key="retry-7f3a").status_code == 201
    assert Payment.objects.count() == 2
    # `clausier run` purges hourly.
    purge = "clausier.apikit.idempotency.purge_expired"
    [job] = [j for j in registered_jobs() if j.target == purge]
    assert job.every_seconds == 3600
