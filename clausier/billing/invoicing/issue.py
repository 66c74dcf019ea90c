"""Issuing invoices and credit notes: totals, snapshots, gap-free numbers, immutability."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from clausier.accounts.models import ClientOrganisation, Provider
from clausier.billing import notices
from clausier.billing.invoicing import numbering
from clausier.billing.models import Invoice, InvoiceKind, InvoiceLine, Subscription, VatCategory
from clausier.billing.models_funders import Funder
from clausier.billing.payers import funder_snapshot
from clausier.core.money import to_cents
from clausier.notify.services import Attachment
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


@dataclass(frozen=True)
class InvoiceDraft:
    """One invoice or credit note to issue: who, what, and the key that makes it once."""

    provider: Provider
    client: ClientOrganisation
    lines: list[LineDraft]
    idempotency_key: str
    due_on: date
    kind: str = InvoiceKind.INVOICE
    corrects: Invoice | None = None
    reason: str = ""
    actor: Any = None
    funder: Funder | None = None  # the payer when a funder pays for the client
    funding_reference: str = ""
    # Files sent with the payer's e-mail (a funder's evidence: coaching art. 8.2.4).
    attachments: tuple[Attachment, ...] = ()


def invoice_line(invoice: Invoice, position: int, line: LineDraft) -> InvoiceLine:
    """The stored line of an issued invoice, as drafted."""
    return InvoiceLine(
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


def line_draft(line: InvoiceLine) -> LineDraft:
    """A stored line drafted again: a credit note repeats the lines it cancels."""
    return LineDraft(
        description=line.description,
        unit_price_ht=line.unit_price_ht,
        vat_rate=line.vat_rate,
        vat_category=line.vat_category,
        quantity=line.quantity,
        clause=line.clause,
        period_start=line.period_start,
        period_end=line.period_end,
        subscription=line.subscription,
    )


def issue_many(*, now: datetime, drafts: list[InvoiceDraft]) -> list[Invoice]:
    """Issue invoices and credit notes, each once per key, numbered in this transaction.

    The one issuing path, for one invoice as for a billing run's batch: one block of
    consecutive numbers per provider and series, taken under the counter's lock in the
    order of `drafts`, and bulk inserts. Returns one invoice per draft, in order; a key
    issued before returns the invoice it issued.
    """
    if any(not draft.lines for draft in drafts):
        raise ValueError("an invoice needs at least one line")
    if not drafts:
        return []
    # Part of the caller's transaction when there is one (no savepoint: what fails here
    # fails the caller's whole unit of work, which is what issuing means).
    with transaction.atomic(savepoint=False):
        keys = [draft.idempotency_key for draft in drafts]
        issued = {i.idempotency_key: i for i in Invoice.objects.filter(idempotency_key__in=keys)}
        taken = set(issued)
        series_groups: dict[tuple[int, str], list[InvoiceDraft]] = defaultdict(list)
        for draft in drafts:
            if draft.idempotency_key not in taken:  # the same key twice issues once
                taken.add(draft.idempotency_key)
                series_groups[(draft.provider.pk, series_for(draft.kind, now))].append(draft)
        sellers: dict[int, dict[str, Any]] = {}
        fresh: list[tuple[Invoice, InvoiceDraft]] = []
        for (provider_id, series), group in series_groups.items():
            first = numbering.take_numbers(provider_id, series, len(group))
            if provider_id not in sellers:
                sellers[provider_id] = seller_snapshot(group[0].provider)
            for offset, draft in enumerate(group):
                invoice = _invoice(draft, now, series, first + offset, sellers[provider_id])
                fresh.append((invoice, draft))
        Invoice.objects.bulk_create([invoice for invoice, _draft in fresh])
        InvoiceLine.objects.bulk_create(
            invoice_line(invoice, position, line)
            for invoice, draft in fresh
            for position, line in enumerate(draft.lines, start=1)
        )
        issued.update((invoice.idempotency_key, invoice) for invoice, _draft in fresh)
        # Each payer told in the issuing transaction, once per invoice (billing.notices).
        notices.invoices_issued(
            [invoice for invoice, _draft in fresh],
            now,
            attachments={invoice.pk: draft.attachments for invoice, draft in fresh},
        )
    return [issued[key] for key in keys]


def _invoice(
    draft: InvoiceDraft, now: datetime, series: str, number: int, seller: dict[str, Any]
) -> Invoice:
    totals = compute_totals(draft.lines)
    return Invoice(
        provider=draft.provider,
        client=draft.client,
        kind=draft.kind,
        series=series,
        number=number,
        issued_at=now,
        due_on=draft.due_on,
        total_ht=totals.total_ht,
        total_vat=totals.total_vat,
        total_ttc=totals.total_ttc,
        corrects=draft.corrects,
        reason=draft.reason,
        seller=seller,
        buyer=(
            buyer_snapshot(draft.client)
            if draft.funder is None
            else funder_snapshot(draft.funder, draft.funding_reference, draft.client)
        ),
        funder=draft.funder,
        funding_reference=draft.funding_reference,
        idempotency_key=draft.idempotency_key,
        created_by=draft.actor if getattr(draft.actor, "pk", None) else None,
    )


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
    funder: Funder | None = None,
    funding_reference: str = "",
) -> Invoice:
    """Issue one invoice or credit note, once per key: `issue_many` of one draft.

    Addressed to the client, or to `funder` paying for it under `funding_reference`."""
    draft = InvoiceDraft(
        provider=provider,
        client=client,
        lines=lines,
        idempotency_key=idempotency_key,
        due_on=due_on,
        kind=kind,
        corrects=corrects,
        reason=reason,
        actor=actor,
        funder=funder,
        funding_reference=funding_reference,
    )
    return issue_many(now=now, drafts=[draft])[0]
