"""Gap-free numbers per provider and series; issued invoices never change."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.db import transaction

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.invoicing import numbering
from clausier.billing.invoicing.issue import LineDraft, compute_totals, issue
from clausier.billing.models import ImmutableInvoiceError, Invoice, InvoiceKind
from tests.billing.builders import billing_world
from tests.helpers import make_provider

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
LINE = LineDraft(
    description="Prestation", unit_price_ht=Decimal("100.00"), vat_rate=Decimal("20.00")
)


def one(world, key: str, now: datetime = NOW) -> Invoice:
    return issue(
        now=now,
        provider=world["provider"],
        client=world["client"],
        lines=[LINE],
        idempotency_key=key,
        due_on=now.date(),
    )


def test_numbers_follow_each_other_per_provider_and_series():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    other = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    numbers = [one(w, f"a{n}").display_number for n in range(3)]
    assert numbers == ["F2026-000001", "F2026-000002", "F2026-000003"]
    assert one(other, "b1").display_number == "F2026-000001"
    assert one(w, "a0").display_number == "F2026-000001"  # same key: the same invoice


def test_a_new_year_starts_a_new_series_in_paris_time():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    one(w, "dec", datetime(2026, 12, 31, 22, 59, tzinfo=UTC))
    # 23:00 UTC on 31 December is already 1 January in Paris.
    assert one(w, "jan", datetime(2026, 12, 31, 23, 0, tzinfo=UTC)).display_number == "F2027-000001"


def test_a_failed_issue_leaves_no_gap():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    one(w, "ok1")
    with pytest.raises(RuntimeError), transaction.atomic():
        one(w, "doomed")
        raise RuntimeError("crash after numbering, before commit")
    assert one(w, "ok2").number == 2


@pytest.mark.django_db(transaction=True)
def test_numbers_are_only_taken_inside_the_issuing_transaction():
    provider = make_provider()
    with pytest.raises(RuntimeError, match="inside the transaction"):
        numbering.take_numbers(provider.pk, "F2026", 1)


def test_an_issued_invoice_cannot_change_or_vanish():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = one(w, "x")
    invoice.total_ht = Decimal("1.00")
    with pytest.raises(ImmutableInvoiceError):
        invoice.save()
    with pytest.raises(ImmutableInvoiceError):
        invoice.delete()


def test_vat_is_computed_per_rate_on_the_sum():
    lines = [
        LineDraft("a", Decimal("0.33"), Decimal("20.00"), quantity=Decimal(3)),
        LineDraft("b", Decimal("10.05"), Decimal("5.50")),
    ]
    totals = compute_totals(lines)
    assert totals.total_ht == Decimal("11.04")
    # 0.99 × 20 % = 0.198 → 0.20; 10.05 × 5.5 % = 0.55275 → 0.55
    assert totals.total_vat == Decimal("0.75")
    assert totals.total_ttc == Decimal("11.79")


def test_a_credit_note_cancels_an_invoice_in_its_own_series():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = one(w, "x")
    note = services.credit_note(
        now=NOW, actor=w["accountant"], invoice=invoice, reason="Erreur de tarif"
    )
    assert note.kind == InvoiceKind.CREDIT_NOTE
    assert note.display_number == "A2026-000001"
    assert note.corrects == invoice and note.total_ttc == invoice.total_ttc
    assert services.balance_due(invoice) == Decimal("0.00")
    with pytest.raises(BillingError, match="déjà un avoir"):
        services.credit_note(now=NOW, actor=w["accountant"], invoice=invoice, reason="encore")


def test_only_billing_staff_issue_credit_notes():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = one(w, "x")
    with pytest.raises(NotAllowed):
        services.credit_note(now=NOW, actor=w["admin"], invoice=invoice, reason="je conteste")
    with pytest.raises(BillingError, match="motif"):
        services.credit_note(now=NOW, actor=w["owner"], invoice=invoice, reason=" ")


def test_a_payment_is_recorded_once_per_reference():
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = one(w, "x")
    first = services.record_payment(
        now=NOW, invoice=invoice, amount=Decimal("50.00"), method="sepa", reference="E2E-1"
    )
    again = services.record_payment(
        now=NOW, invoice=invoice, amount=Decimal("50.00"), method="sepa", reference="E2E-1"
    )
    assert first.pk == again.pk
    assert services.balance_due(invoice) == Decimal("70.00")
    with pytest.raises(BillingError):
        services.record_payment(
            now=NOW, invoice=invoice, amount=Decimal("0"), method="sepa", reference="E2E-2"
        )
