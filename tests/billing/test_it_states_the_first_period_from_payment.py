"""The first invoice of a coaching contract bills a period whose dates are unknown at
issue: the contract starts at its payment (art. 9.1.1). The invoice says so ("à compter
du paiement de la présente facture") and never changes; the payment fixes the dates,
which the next invoice continues from. Paid the same day, paid later, across DST."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.documents.data import document_of
from clausier.billing.models import Invoice, Periodicity, Subscription
from tests.billing.builders import billing_world, coaching_plan

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
RELATIVE = "Focus — premier mois du contrat, à compter du paiement de la présente facture"


@pytest.fixture(autouse=True)
def in_french():
    # Lines are written in the language active at issue; an earlier test may leave another.
    with translation.override("fr"):
        yield


def subscribe(at: datetime = ORDER, **plan: object) -> tuple[Subscription, Invoice]:
    w = billing_world(ServiceLine.COACHING_TRAINING, at)
    chosen = coaching_plan(w["provider"], code="other", **plan) if plan else w["plan"]
    subscription = services.subscribe(now=at, actor=w["admin"], client=w["client"], plan=chosen)
    return subscription, Invoice.objects.get()


def frozen(invoice: Invoice) -> tuple:
    invoice = Invoice.objects.get(pk=invoice.pk)
    lines = [
        (li.description, li.unit_price_ht, li.total_ht, li.period_start, li.period_end)
        for li in invoice.lines.all()
    ]
    return (invoice.display_number, invoice.total_ht, invoice.total_ttc, invoice.due_on, lines)


def pay_and_continue(invoice: Invoice, paid_at: datetime, until: date) -> list[Invoice]:
    services.record_payment(
        now=paid_at,
        invoice=invoice,
        amount=invoice.total_ttc,
        method="transfer",
        reference=f"ref-{invoice.pk}",
    )
    return services.bill_due(now=paid_at, until=until)


def test_the_first_invoice_states_its_period_from_its_payment_without_dates():
    subscription, first = subscribe()
    [line] = first.lines.all()
    assert line.description == RELATIVE
    assert (line.period_start, line.period_end) == (None, None)  # unknown at issue
    assert line.total_ht == Decimal("390.00")  # a whole first period
    assert line.clause.startswith("Art. 8.2.3")
    assert document_of(first).lines[0].description == RELATIVE
    assert subscription.start_date is None


@pytest.mark.parametrize(
    ("paid_at", "start"),
    [
        (datetime(2026, 2, 15, 9, 30, tzinfo=UTC), date(2026, 2, 15)),  # the same day
        (datetime(2026, 3, 10, 14, 0, tzinfo=UTC), date(2026, 3, 10)),  # later
        # 00:30 in Paris on the night clocks go forward: still the 29th locally.
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), date(2026, 3, 29)),
        # 00:30 in Paris on the night clocks go back (CEST, UTC+2).
        (datetime(2026, 10, 24, 22, 30, tzinfo=UTC), date(2026, 10, 25)),
    ],
)
def test_payment_fixes_the_first_period_and_the_invoice_stays_as_issued(paid_at, start):
    subscription, first = subscribe()
    before = frozen(first)
    [second] = pay_and_continue(first, paid_at, until=date(2026, 12, 31))[:1]
    assert frozen(first) == before  # number, amounts, description: unchanged
    subscription.refresh_from_db()
    assert subscription.start_date == start
    # The second invoice continues from the end of the first period, one month on.
    [line] = second.lines.all()
    month_later = date(start.year + start.month // 12, start.month % 12 + 1, start.day)
    assert line.period_start == month_later
    assert line.description.startswith(f"Focus — du {month_later.strftime('%d/%m/%Y')} au ")


def test_a_quarterly_contract_names_its_first_quarter():
    _subscription, first = subscribe(periodicity=Periodicity.QUARTERLY, name="Focus")
    assert first.lines.get().description == (
        "Focus — premier trimestre du contrat, à compter du paiement de la présente facture"
    )


def test_later_invoices_keep_their_dates():
    _subscription, first = subscribe()
    invoices = pay_and_continue(first, ORDER, until=date(2026, 4, 15))
    assert [i.lines.get().period_start for i in invoices] == [
        date(2026, 3, 15),
        date(2026, 4, 15),
    ]
    assert all(i.lines.get().period_end is not None for i in invoices)
