"""What is left to pay has one definition (`invoicing.balances.with_balances`): the
balance of one invoice (`balance_due`) and the batch the reminders load in one query
(`payments.reminders`) agree on every kind of document, paid, part-paid or credited."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest

from clausier.billing import services
from clausier.billing.invoicing.balances import annotated_balance, balance_due
from clausier.billing.models import Invoice, InvoiceKind
from clausier.billing.payments import reminders
from tests.billing.document_kinds import DOCUMENT_KINDS, issued

pytestmark = pytest.mark.django_db

LATER = datetime(2026, 3, 2, 9, tzinfo=UTC)


@pytest.mark.parametrize("kind", sorted(DOCUMENT_KINDS))
def test_one_invoice_and_the_reminders_batch_agree(kind):
    document = issued(kind)
    # Part-pay an invoice the world holds with something left to pay, so that payments
    # count too (a fully credited one refuses payments).
    owing = [
        invoice
        for invoice in Invoice.objects.filter(kind=InvoiceKind.INVOICE)
        if balance_due(invoice) > 1
    ]
    if owing:
        services.record_payment(
            now=LATER, invoice=owing[0], amount=Decimal("1.00"), method="transfer", reference="p"
        )
    invoices = list(Invoice.objects.all())
    assert document in invoices
    batch = {
        inv.pk: annotated_balance(inv) for inv in reminders._with_balances([i.pk for i in invoices])
    }
    assert batch == {inv.pk: balance_due(inv) for inv in invoices}
