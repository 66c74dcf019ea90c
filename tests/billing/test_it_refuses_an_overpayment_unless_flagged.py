"""A payment beyond the balance due is refused unless recorded explicitly as an
overpayment; then the row says so and the balance shows what is owed back."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import Invoice, Payment
from clausier.core.models import AuditEntry
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 2, 9, tzinfo=UTC)
CENT = Decimal("0.01")


@pytest.fixture
def invoice() -> Invoice:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    return Invoice.objects.get(lines__subscription=subscription)


def pay(invoice: Invoice, amount: Decimal, reference: str, **options) -> Payment:
    return services.record_payment(
        now=NOW, invoice=invoice, amount=amount, method="transfer", reference=reference, **options
    )


def test_the_exact_balance_is_accepted(invoice):
    payment = pay(invoice, invoice.total_ttc, "A")
    assert not payment.overpayment
    assert services.balance_due(invoice) == 0


def test_one_cent_more_is_refused(invoice):
    with pytest.raises(BillingError) as refused:
        pay(invoice, invoice.total_ttc + CENT, "A")
    assert refused.value.code == "overpayment"
    assert Payment.objects.count() == 0


def test_a_second_payment_of_a_settled_invoice_is_refused(invoice):
    pay(invoice, invoice.total_ttc, "A")
    with pytest.raises(BillingError, match="trop-perçu"):
        pay(invoice, CENT, "B")
    assert services.balance_due(invoice) == 0


def test_the_rest_after_a_part_payment_is_accepted(invoice):
    pay(invoice, Decimal("100.00"), "A")
    pay(invoice, invoice.total_ttc - Decimal("100.00"), "B")
    assert services.balance_due(invoice) == 0


def test_an_overpayment_recorded_as_such_is_kept_and_flagged(invoice):
    payment = pay(invoice, invoice.total_ttc + Decimal("5.00"), "A", overpayment=True)
    assert payment.overpayment
    assert services.balance_due(invoice) == Decimal("-5.00")
    entry = AuditEntry.objects.get(action="payment.recorded")
    assert entry.details["overpayment"] == "5.00"


def test_the_flag_is_not_set_when_the_amount_fits(invoice):
    payment = pay(invoice, invoice.total_ttc, "A", overpayment=True)
    assert not payment.overpayment
