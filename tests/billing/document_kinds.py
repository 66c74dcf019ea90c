"""Every kind of document the product issues, each made through the product's own
services (no hand-made invoice), for the tests that check all of them at once.

To cover a new kind, add one builder to `DOCUMENT_KINDS`: the schematron and download
tests pick it up.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from clausier.accounts.models import Membership, Role, ServiceLine
from clausier.billing import services
from clausier.billing.invoicing import funders
from clausier.billing.invoicing.credits import record_sla_credit
from clausier.billing.invoicing.issue import LineDraft
from clausier.billing.models import Invoice, InvoiceKind
from tests.billing.builders import billing_world, make_funder

ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


# A French business client as the e-invoicing reform addresses it: by its SIREN.
BUYER_SIREN, BUYER_VAT = "456789122", "FR72456789122"


def _subscribed(service_line: str) -> tuple[dict[str, Any], Invoice]:
    world = billing_world(service_line, ORDER)
    client = world["client"]
    client.siren, client.vat_number = BUYER_SIREN, BUYER_VAT
    client.full_clean()
    client.save()
    services.subscribe(now=ORDER, actor=world["admin"], client=world["client"], plan=world["plan"])
    first = Invoice.objects.filter(client=world["client"]).get()
    return world, first


def _pay(invoice: Invoice, at: datetime) -> None:
    services.record_payment(
        now=at, invoice=invoice, amount=invoice.total_ttc, method="transfer", reference=f"p{at}"
    )


def hosting_invoice() -> Invoice:
    """The first invoice of a managed-hosting subscription (art. 8.3, billed in advance)."""
    return _subscribed(ServiceLine.MANAGED_HOSTING)[1]


def coaching_invoice() -> Invoice:
    """The first instalment of an annual coaching plan."""
    return _subscribed(ServiceLine.COACHING_TRAINING)[1]


def credit_note() -> Invoice:
    """A full credit note cancelling a hosting invoice."""
    world, first = _subscribed(ServiceLine.MANAGED_HOSTING)
    return services.credit_note(
        now=ORDER, actor=world["accountant"], invoice=first, reason="Facturée à tort"
    )


def sla_credit_invoice() -> Invoice:
    """The next hosting invoice, an SLA credit deducted on its own line (art. 14)."""
    _world, first = _subscribed(ServiceLine.MANAGED_HOSTING)
    _pay(first, ORDER)
    subscription = first.lines.get().subscription
    record_sla_credit(
        subscription=subscription,
        month=date(2026, 2, 1),
        amount=Decimal("25.00"),
        clause="Art. 14 — Pénalités et SLA",
        description="GTI dépassée le 12/02/2026",
        source_key="gti-1",
        now=ORDER,
    )
    [invoice] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    assert invoice.lines.filter(total_ht__lt=0).exists()
    return invoice


def late_payment_invoice() -> Invoice:
    """Interest (L441-10) and the 40 € indemnity (D441-5) of an invoice paid late."""
    world, first = _subscribed(ServiceLine.MANAGED_HOSTING)
    _pay(first, ORDER)  # a first invoice is never late: it starts the contract
    [second] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    due = second.due_on
    _pay(second, datetime(due.year, due.month, due.day, 10, tzinfo=UTC) + timedelta(days=20))
    return Invoice.objects.get(client=world["client"], idempotency_key__startswith="late-payment:")


def late_payment_credit_note() -> Invoice:
    """A credit note cancelling a late-payment invoice: outside the scope of VAT too."""
    late = late_payment_invoice()
    accountant = Membership.objects.get(provider=late.provider, role=Role.ACCOUNTANT).person
    return services.credit_note(
        now=ORDER + timedelta(days=90), actor=accountant, invoice=late, reason="Geste commercial"
    )


FUNDING_REFERENCE = "ATLAS-2026-000123"
FUNDED_CLAUSE = "Art. 8.2.4 — Cas des formations prises en charge par un organisme collecteur"


def funder_invoice() -> Invoice:
    """A training's funded part, addressed to the client's OPCO (coaching art. 8.2.4)."""
    world = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    client = world["client"]
    client.siren, client.vat_number = BUYER_SIREN, BUYER_VAT
    client.full_clean()
    client.save()
    return funders.issue_to_funder(
        now=ORDER,
        actor=world["accountant"],
        funder=make_funder(world["provider"]),
        client=client,
        funding_reference=FUNDING_REFERENCE,
        lines=[
            LineDraft(
                description="Formation « Manager coach » — part prise en charge par l'OPCO",
                unit_price_ht=Decimal("2400.00"),
                vat_rate=Decimal("20.00"),
                clause=FUNDED_CLAUSE,
                period_start=date(2026, 2, 2),
                period_end=date(2026, 3, 27),
            )
        ],
        idempotency_key="training:1:opco",
        due_on=date(2026, 2, 4),
    )


def funder_credit_note() -> Invoice:
    """A credit note of a funder's invoice: addressed to the same funder."""
    invoice = funder_invoice()
    accountant = Membership.objects.get(provider=invoice.provider, role=Role.ACCOUNTANT).person
    return services.credit_note(
        now=ORDER, actor=accountant, invoice=invoice, reason="Accord de financement annulé"
    )


DOCUMENT_KINDS: dict[str, Callable[[], Invoice]] = {
    "hosting invoice": hosting_invoice,
    "coaching invoice": coaching_invoice,
    "credit note": credit_note,
    "invoice with an SLA credit line": sla_credit_invoice,
    "late-payment invoice": late_payment_invoice,
    "credit note of a late-payment invoice": late_payment_credit_note,
    "invoice to a funder": funder_invoice,
    "credit note of an invoice to a funder": funder_credit_note,
}


def issued(kind: str) -> Invoice:
    invoice = DOCUMENT_KINDS[kind]()
    assert invoice.kind in InvoiceKind.values
    return invoice
