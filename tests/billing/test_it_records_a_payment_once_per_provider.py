"""A payment reference is unique per provider and method, not across providers.

Globally unique, a second provider's legitimate payment with the same bank reference
was silently dropped (and told that provider the reference existed elsewhere).
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError, PaymentAlreadyRecorded
from clausier.billing.models import Invoice, Payment
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)


def first_invoice(service_line: str) -> Invoice:
    w = billing_world(service_line, NOW)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    return Invoice.objects.get(lines__subscription=subscription)


def pay(invoice: Invoice, amount: str, reference: str = "VIR-2026-001", **options):
    return services.record_payment(
        now=NOW,
        invoice=invoice,
        amount=Decimal(amount),
        method="transfer",
        reference=reference,
        **options,
    )


def test_two_providers_may_receive_the_same_reference():
    kalanda = first_invoice(ServiceLine.MANAGED_HOSTING)
    kestio = first_invoice(ServiceLine.COACHING_TRAINING)
    assert kalanda.provider_id != kestio.provider_id
    pay(kalanda, "10.00")
    pay(kestio, "10.00")
    assert Payment.objects.filter(reference="VIR-2026-001").count() == 2
    assert services.balance_due(kestio) == kestio.total_ttc - Decimal("10.00")


def test_a_replayed_payment_returns_the_recorded_one():
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    first = pay(invoice, "10.00")
    again = pay(invoice, "10.00")
    assert again.pk == first.pk
    assert services.balance_due(invoice) == invoice.total_ttc - Decimal("10.00")


def test_the_same_reference_with_another_amount_is_refused():
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    pay(invoice, "10.00")
    with pytest.raises(PaymentAlreadyRecorded):
        pay(invoice, "10.01")
    assert Payment.objects.count() == 1


def test_the_same_reference_entered_twice_by_hand_is_refused():
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    pay(invoice, "10.00", replay=False)
    with pytest.raises(PaymentAlreadyRecorded):
        pay(invoice, "10.00", replay=False)
    assert Payment.objects.count() == 1


def test_another_method_with_the_same_reference_is_another_payment():
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    pay(invoice, "10.00")
    services.record_payment(
        now=NOW, invoice=invoice, amount=Decimal("10.00"), method="cheque", reference="VIR-2026-001"
    )
    assert Payment.objects.count() == 2


@pytest.mark.parametrize("method", ["virement", "Transfer", "transfer ", "", "bitcoin"])
def test_the_method_is_a_closed_choice(method):
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    with pytest.raises(BillingError) as refused:
        services.record_payment(
            now=NOW, invoice=invoice, amount=Decimal("1.00"), method=method, reference="R"
        )
    assert refused.value.code == "unknown_method"
    assert Payment.objects.count() == 0


def test_the_database_refuses_an_unknown_method_too():
    invoice = first_invoice(ServiceLine.MANAGED_HOSTING)
    with pytest.raises(IntegrityError):
        Payment.objects.create(
            provider=invoice.provider,
            invoice=invoice,
            amount=Decimal("1.00"),
            received_at=NOW,
            method="virement",
            reference="R",
        )
