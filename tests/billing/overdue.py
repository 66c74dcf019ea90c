"""Overdue invoices for the reminder tests: one provider, clients with a billing address
or an administrator, and N invoices issued on 2 March 2026, due on 1 April."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from clausier.accounts.models import ServiceLine
from clausier.billing.invoicing.issue import LineDraft, issue
from clausier.billing.models import Invoice
from tests.billing.builders import billing_world
from tests.helpers import make_client

ISSUED = datetime(2026, 3, 2, 9, tzinfo=UTC)
DUE = date(2026, 4, 1)
LINE = LineDraft(
    description="Infogérance", unit_price_ht=Decimal("100.00"), vat_rate=Decimal("20.00")
)


def overdue_invoices(
    count: int, clients: int = 3, key: str = "overdue"
) -> tuple[dict[str, Any], list[Invoice]]:
    world = billing_world(ServiceLine.MANAGED_HOSTING, ISSUED)
    payers = [world["client"]]  # reminded through its administrator
    for n in range(1, clients):
        payers.append(
            make_client(
                world["provider"], f"Client{n}", billing_email=f"compta{n}@client{n}.example"
            )
        )
    invoices = [
        issue(
            now=ISSUED,
            provider=world["provider"],
            client=payers[n % len(payers)],
            lines=[LINE],
            idempotency_key=f"{key}-{n}",
            due_on=DUE,
        )
        for n in range(count)
    ]
    return world, invoices
