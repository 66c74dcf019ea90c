"""The single invoice page reads its balance through the list's own expression
(`billing.invoicing.balances.with_balances`), in the query that loads the invoice: a
fixed number of queries whatever the number of lines, payments and credit notes
(issue 16, docs/portal.md "Speed")."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.payments.recording import record_payment
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 4, 14, 10, tzinfo=UTC)
# Person and memberships (signed in), the invoice with its balance, its lines, its
# payments, its disputes, the subscription behind its dispute window.
PAGE_QUERIES = 2 + 5


def _invoice(w: dict, lines: int, payments: int):
    invoice = issue(
        now=NOW,
        provider=w["provider"],
        client=w["client"],
        lines=[
            LineDraft(
                description=f"Intervention {n}",
                unit_price_ht=Decimal("100.00"),
                vat_rate=Decimal("20.00"),
                clause="Art. 5",
            )
            for n in range(lines)
        ],
        idempotency_key=f"page-{lines}-{payments}",
        due_on=date(2026, 5, 14),
    )
    for n in range(payments):
        record_payment(
            now=NOW,
            invoice=invoice,
            amount=Decimal("10.00"),
            method="transfer",
            reference=f"VIR-{n}",
            actor=w["accountant"],
        )
    return invoice


@pytest.mark.parametrize(("lines", "payments"), [(1, 0), (1, 1), (12, 9)])
def test_the_invoice_page_costs_the_same_queries_whatever_it_holds(
    client, django_assert_max_num_queries, lines, payments
):
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = _invoice(w, lines, payments)
    client.force_login(w["admin"])
    assert client.get("/factures/").status_code == 200  # the menu, asked once
    with django_assert_max_num_queries(PAGE_QUERIES):
        html = client.get(f"/factures/{invoice.pk}/").content.decode()
    expected = Decimal("120.00") * lines - Decimal("10.00") * payments
    assert services.balance_due(invoice) == expected
    amount = f"{expected:,.2f}".replace(",", "\u202f").replace(".", ",")
    assert f'Reste dû</th><td class="num">{amount}\xa0€' in html
    assert html.count("Intervention ") == lines
    assert html.count("VIR-") == payments


def test_a_credited_invoice_shows_nothing_left_to_pay(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    invoice = _invoice(w, 2, 1)
    services.credit_note(now=NOW, actor=w["accountant"], invoice=invoice, reason="Doublon")
    client.force_login(w["admin"])
    html = client.get(f"/factures/{invoice.pk}/").content.decode()
    # 240 € less 10 € paid less the 240 € credit note: 10 € owed back, shown as -10.
    assert services.balance_due(invoice) == Decimal("-10.00")
    assert 'Reste dû</th><td class="num">-10,00\xa0€' in html


def test_another_clients_invoice_is_not_found(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW)
    other = billing_world(ServiceLine.COACHING_TRAINING, NOW)
    invoice = _invoice(w, 1, 0)
    client.force_login(other["admin"])
    assert client.get(f"/factures/{invoice.pk}/").status_code == 404
