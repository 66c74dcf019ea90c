"""What an invoice document shows, read once from an issued invoice.

The PDF and the Factur-X XML are both built from this snapshot, never from the live
records: an issued invoice shows its seller and buyer as they were at issue. Keeping the
renderers on plain data also lets the benchmark run them without a database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from clausier.billing.documents.errors import DocumentError
from clausier.billing.invoicing import LineDraft, compute_totals, local_date
from clausier.billing.models import Invoice, InvoiceKind
from clausier.terms.rules.late_payment import (
    INDEMNITY_CLAUSE,
    INTEREST_CLAUSE,
    RECOVERY_INDEMNITY,
    StatutoryRate,
    statutory_rate,
)

__all__ = ["DocumentError", "InvoiceDocument", "assemble", "document_of"]

# "75002 Paris", "10115 Berlin": the snapshot keeps postcode and city on one line.
_POSTCODE_CITY = re.compile(r"^\s*(?P<postcode>\S*\d\S*)\s+(?P<city>.+?)\s*$")


@dataclass(frozen=True, slots=True)
class Party:
    legal_name: str
    siren: str
    siret: str
    vat_number: str
    street_lines: tuple[str, ...]
    postcode: str
    city: str
    country: str
    email: str
    iban: str = ""
    bic: str = ""

    @property
    def address_lines(self) -> tuple[str, ...]:
        last = f"{self.postcode} {self.city}".strip()
        return (*self.street_lines, last) if last else self.street_lines

    @classmethod
    def from_snapshot(cls, snapshot: dict[str, Any]) -> Party:
        lines = [str(line).strip() for line in snapshot.get("address") or [] if line]
        lines = [line for line in lines if line]
        postcode, city = "", ""
        if lines:
            match = _POSTCODE_CITY.match(lines[-1])
            if match:
                postcode, city = match["postcode"], match["city"]
            else:
                city = lines[-1]
            lines = lines[:-1]
        return cls(
            legal_name=str(snapshot.get("legal_name") or ""),
            siren=str(snapshot.get("siren") or ""),
            siret=str(snapshot.get("siret") or ""),
            vat_number=str(snapshot.get("vat_number") or ""),
            street_lines=tuple(lines),
            postcode=postcode,
            city=city,
            country=str(snapshot.get("country") or "FR").upper(),
            email=str(snapshot.get("email") or ""),
            iban=str(snapshot.get("iban") or "").replace(" ", ""),
            bic=str(snapshot.get("bic") or ""),
        )


@dataclass(frozen=True, slots=True)
class DocumentLine:
    position: int
    description: str
    quantity: Decimal
    unit_price_ht: Decimal
    vat_rate: Decimal
    total_ht: Decimal
    clause: str = ""
    period_start: date | None = None
    period_end: date | None = None


@dataclass(frozen=True, slots=True)
class VatSubtotal:
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LatePaymentTerms:
    """The statutory mentions (Code de commerce L441-10 and D441-5) at the issue date."""

    rate: StatutoryRate
    indemnity: Decimal = RECOVERY_INDEMNITY
    interest_law: str = INTEREST_CLAUSE.article
    indemnity_law: str = INDEMNITY_CLAUSE.article


@dataclass(frozen=True, slots=True)
class CorrectedInvoice:
    number: str
    issue_date: date


@dataclass(frozen=True, slots=True)
class InvoiceDocument:
    number: str
    kind: str
    issue_date: date
    due_on: date
    currency: str
    seller: Party
    buyer: Party
    lines: tuple[DocumentLine, ...]
    vat_breakdown: tuple[VatSubtotal, ...]
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    late_payment: LatePaymentTerms
    corrects: CorrectedInvoice | None = None
    reason: str = ""

    @property
    def is_credit_note(self) -> bool:
        return self.kind == InvoiceKind.CREDIT_NOTE


def document_of(invoice: Invoice) -> InvoiceDocument:
    """The document of an issued invoice, its VAT breakdown checked against its totals."""
    lines = tuple(
        DocumentLine(
            position=line.position,
            description=line.description,
            quantity=line.quantity,
            unit_price_ht=line.unit_price_ht,
            vat_rate=line.vat_rate,
            total_ht=line.total_ht,
            clause=line.clause,
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for line in invoice.lines.order_by("position")
    )
    corrects = None
    if invoice.corrects is not None:
        corrects = CorrectedInvoice(
            invoice.corrects.display_number, local_date(invoice.corrects.issued_at)
        )
    return assemble(
        number=invoice.display_number,
        kind=invoice.kind,
        issue_date=local_date(invoice.issued_at),
        due_on=invoice.due_on,
        currency=invoice.currency,
        seller=Party.from_snapshot(invoice.seller),
        buyer=Party.from_snapshot(invoice.buyer),
        lines=lines,
        totals=(invoice.total_ht, invoice.total_vat, invoice.total_ttc),
        corrects=corrects,
        reason=invoice.reason,
    )


def assemble(
    *,
    number: str,
    kind: str,
    issue_date: date,
    due_on: date,
    currency: str,
    seller: Party,
    buyer: Party,
    lines: tuple[DocumentLine, ...],
    totals: tuple[Decimal, Decimal, Decimal] | None = None,
    corrects: CorrectedInvoice | None = None,
    reason: str = "",
) -> InvoiceDocument:
    """Build a document from its parts; the VAT breakdown is the one issuing computed."""
    if not lines:
        raise DocumentError(f"{number}: an invoice document needs at least one line")
    if kind == InvoiceKind.CREDIT_NOTE and corrects is None:
        raise DocumentError(f"{number}: a credit note must name the invoice it corrects")
    for line in lines:
        if line.vat_rate <= 0:
            # Exempt, zero-rated and reverse-charge lines need their own VAT category and
            # exemption mention; no contract of ours bills them yet.
            raise DocumentError(
                f"{number}: line {line.position} has VAT rate {line.vat_rate}; only "
                "standard-rated lines (VAT category S) are supported"
            )
    computed = compute_totals(
        [LineDraft(line.description, line.total_ht, line.vat_rate) for line in lines]
    )
    if totals is not None and totals != (
        computed.total_ht,
        computed.total_vat,
        computed.total_ttc,
    ):
        raise DocumentError(
            f"{number}: stored totals {totals} disagree with the lines "
            f"({computed.total_ht}, {computed.total_vat}, {computed.total_ttc})"
        )
    return InvoiceDocument(
        number=number,
        kind=kind,
        issue_date=issue_date,
        due_on=due_on,
        currency=currency,
        seller=seller,
        buyer=buyer,
        lines=lines,
        vat_breakdown=tuple(
            VatSubtotal(rate, base, vat) for rate, (base, vat) in computed.vat_breakdown.items()
        ),
        total_ht=computed.total_ht,
        total_vat=computed.total_vat,
        total_ttc=computed.total_ttc,
        late_payment=LatePaymentTerms(statutory_rate(issue_date)),
        corrects=corrects,
        reason=reason,
    )
