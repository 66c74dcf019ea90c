"""Issuing invoices and credit notes: totals, snapshots, gap-free numbers, immutability."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.billing import numbering
from clausier.billing.models import Invoice, InvoiceKind, InvoiceLine, Subscription, VatCategory
from clausier.core.money import to_cents
from clausier.terms.zone import contract_day

HUNDRED = Decimal(100)


@dataclass(frozen=True)
class LineDraft:
    description: str
    unit_price_ht: Decimal
    vat_rate: Decimal
    quantity: Decimal = Decimal(1)
    clause: str = ""
    vat_category: str = VatCategory.STANDARD
    period_start: date | None = None
    period_end: date | None = None
    subscription: Subscription | None = None

    @property
    def total_ht(self) -> Decimal:
        return to_cents(self.quantity * self.unit_price_ht)


@dataclass(frozen=True)
class Totals:
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    vat_breakdown: dict[Decimal, tuple[Decimal, Decimal]] = field(default_factory=dict)


def compute_totals(lines: list[LineDraft]) -> Totals:
    """VAT per rate on the sum of that rate's lines (EN 16931), each rounded half-up."""
    by_rate: dict[Decimal, Decimal] = defaultdict(Decimal)
    for line in lines:
        by_rate[line.vat_rate] += line.total_ht
    breakdown = {
        rate: (base, to_cents(base * rate / HUNDRED)) for rate, base in sorted(by_rate.items())
    }
    total_ht = sum((line.total_ht for line in lines), Decimal("0.00"))
    total_vat = sum((vat for _base, vat in breakdown.values()), Decimal("0.00"))
    return Totals(
        to_cents(total_ht), to_cents(total_vat), to_cents(total_ht + total_vat), breakdown
    )


def seller_snapshot(provider: Provider) -> dict[str, Any]:
    return {
        "legal_name": provider.legal_name,
        "siren": provider.siren,
        "siret": provider.siret,
        "vat_number": provider.vat_number,
        "address": [
            provider.address_line1,
            provider.address_line2,
            f"{provider.postal_code} {provider.city}",
        ],
        "country": provider.country,
        "email": provider.contact_email,
        "iban": provider.iban,
        "bic": provider.bic,
        # Code de commerce R123-237 and the e-invoicing reform's mentions.
        "legal_form": provider.legal_form,
        "share_capital": None if provider.share_capital is None else str(provider.share_capital),
        "rcs_city": provider.rcs_city,
        "operation_category": provider.operation_category,
        "vat_on_debits": provider.vat_on_debits,
    }


def buyer_snapshot(client: ClientOrganisation) -> dict[str, Any]:
    return {
        "legal_name": client.legal_name,
        "siren": client.siren,
        "vat_number": client.vat_number,
        "address": [
            client.address_line1,
            client.address_line2,
            f"{client.postal_code} {client.city}",
        ],
        "country": client.country,
        "email": client.billing_email,
    }


def local_date(at: datetime) -> date:
    return contract_day(at)


def series_for(kind: str, issued_at: datetime) -> str:
    """One series per kind and year: F2026 for invoices, A2026 for credit notes (avoirs)."""
    prefix = "A" if kind == InvoiceKind.CREDIT_NOTE else "F"
    return f"{prefix}{local_date(issued_at).year}"


def issue(
    *,
    now: datetime,
    provider: Provider,
    client: ClientOrganisation,
    lines: list[LineDraft],
    idempotency_key: str,
    due_on: date,
    kind: str = InvoiceKind.INVOICE,
    corrects: Invoice | None = None,
    reason: str = "",
    actor: Any = None,
    lock: bool = True,
) -> Invoice:
    """Issue one invoice or credit note, once per key, numbered in this transaction."""
    if not lines:
        raise ValueError("an invoice needs at least one line")
    with transaction.atomic():
        existing = Invoice.objects.filter(idempotency_key=idempotency_key).first()
        if existing is not None:
            return existing
        totals = compute_totals(lines)
        series = series_for(kind, now)
        invoice = Invoice.objects.create(
            provider=provider,
            client=client,
            kind=kind,
            series=series,
            number=numbering.take_number(provider.pk, series, lock=lock),
            issued_at=now,
            due_on=due_on,
            total_ht=totals.total_ht,
            total_vat=totals.total_vat,
            total_ttc=totals.total_ttc,
            corrects=corrects,
            reason=reason,
            seller=seller_snapshot(provider),
            buyer=buyer_snapshot(client),
            idempotency_key=idempotency_key,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=position,
                description=line.description[:300],
                quantity=line.quantity,
                unit_price_ht=line.unit_price_ht,
                vat_rate=line.vat_rate,
                vat_category=line.vat_category,
                total_ht=line.total_ht,
                clause=line.clause,
                period_start=line.period_start,
                period_end=line.period_end,
                subscription=line.subscription,
            )
            for position, line in enumerate(lines, start=1)
        )
    return invoice
