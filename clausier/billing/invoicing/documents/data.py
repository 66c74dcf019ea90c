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

from clausier.billing import payers
from clausier.billing.invoicing.documents.errors import DocumentError
from clausier.billing.invoicing.issue import LineDraft, compute_totals, local_date
from clausier.billing.models import Invoice, InvoiceKind, VatCategory
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

# BT-23, the business process of the French e-invoicing reform: "1" is an invoice to
# pay (not already paid, not a final invoice after a deposit), by operation category.
BUSINESS_PROCESS = {"services": "S1", "goods": "B1", "mixed": "M1"}


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
    # Seller only: Code de commerce R123-237 and the e-invoicing reform's mentions.
    legal_form: str = ""
    share_capital: Decimal | None = None
    rcs_city: str = ""
    operation_category: str = "services"
    vat_on_debits: bool = False
    # Buyer only: the payer when a funder pays for the client (`clausier.billing.payers`).
    payer_kind: str = payers.CLIENT
    funding_reference: str = ""
    beneficiary: str = ""

    @property
    def is_funder(self) -> bool:
        return self.payer_kind == payers.FUNDER

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
            legal_form=str(snapshot.get("legal_form") or ""),
            share_capital=_decimal_or_none(snapshot.get("share_capital")),
            rcs_city=str(snapshot.get("rcs_city") or ""),
            operation_category=str(snapshot.get("operation_category") or "services"),
            vat_on_debits=bool(snapshot.get("vat_on_debits")),
            payer_kind=str(snapshot.get("payer_kind") or payers.CLIENT),
            funding_reference=str(snapshot.get("funding_reference") or ""),
            beneficiary=str((snapshot.get("beneficiary") or {}).get("legal_name") or ""),
        )


def _decimal_or_none(value: Any) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


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
    vat_category: str = VatCategory.STANDARD


@dataclass(frozen=True, slots=True)
class VatSubtotal:
    rate: Decimal
    base: Decimal
    amount: Decimal
    category: str = VatCategory.STANDARD

    @property
    def out_of_scope(self) -> bool:
        return self.category == VatCategory.OUT_OF_SCOPE

    @property
    def exempt(self) -> bool:
        return self.category == VatCategory.EXEMPT


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

    @property
    def out_of_scope(self) -> bool:
        """Not subject to VAT (category O): EN 16931 BR-O-02 then forbids VAT numbers."""
        return any(sub.out_of_scope for sub in self.vat_breakdown)

    @property
    def exempt(self) -> bool:
        """Some lines exempt from VAT (category E, CGI art. 261-4-4°): the reason is stated."""
        return any(sub.exempt for sub in self.vat_breakdown)

    @property
    def business_process(self) -> str:
        return BUSINESS_PROCESS.get(self.seller.operation_category, BUSINESS_PROCESS["services"])

    @property
    def billing_period(self) -> tuple[date, date] | None:
        """BG-14: from the first line period's start to the last one's end."""
        periods = [(li.period_start, li.period_end) for li in self.lines]
        starts = [start for start, end in periods if start and end]
        ends = [end for start, end in periods if start and end]
        return (min(starts), max(ends)) if starts else None

    @property
    def supply_date(self) -> date:
        """BT-72, the date the supply is made or completed (CGI art. 242 nonies A): the end
        of the last period billed, else the issue date (a fee, an indemnity falls due
        when it is invoiced)."""
        period = self.billing_period
        return period[1] if period else self.issue_date


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
            vat_category=line.vat_category,
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
    categories = _check_vat_categories(number, lines)
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
            VatSubtotal(rate, base, vat, categories[rate])
            for rate, (base, vat) in computed.vat_breakdown.items()
        ),
        total_ht=computed.total_ht,
        total_vat=computed.total_vat,
        total_ttc=computed.total_ttc,
        late_payment=LatePaymentTerms(statutory_rate(issue_date)),
        corrects=corrects,
        reason=reason,
    )


def _check_vat_categories(number: str, lines: tuple[DocumentLine, ...]) -> dict[Decimal, str]:
    """The VAT category of each rate, refusing what EN 16931 would reject: a standard
    rate of 0 (BR-S-05), an out-of-scope line with a rate (BR-O-05), out-of-scope lines
    beside taxed ones (BR-O-11), a category we cannot describe."""
    categories: dict[Decimal, str] = {}
    for line in lines:
        if line.vat_category == VatCategory.STANDARD and line.vat_rate <= 0:
            raise DocumentError(
                f"{number}: line {line.position} is standard-rated (VAT category S) at "
                f"{line.vat_rate} %; a 0 % line needs its own category and exemption reason"
            )
        if line.vat_category == VatCategory.OUT_OF_SCOPE and line.vat_rate != 0:
            raise DocumentError(
                f"{number}: line {line.position} is outside the scope of VAT (category O) "
                f"but has VAT rate {line.vat_rate} %"
            )
        if line.vat_category == VatCategory.EXEMPT and line.vat_rate != 0:
            raise DocumentError(
                f"{number}: line {line.position} is exempt from VAT (category E) "
                f"but has VAT rate {line.vat_rate} % (EN 16931 BR-E-05)"
            )
        if categories.get(line.vat_rate, line.vat_category) != line.vat_category:
            raise DocumentError(
                f"{number}: line {line.position} mixes VAT categories "
                f"{categories[line.vat_rate]} and {line.vat_category} at {line.vat_rate} %"
            )
        if line.vat_category not in VatCategory.values:
            raise DocumentError(
                f"{number}: line {line.position} has unsupported VAT category {line.vat_category!r}"
            )
        categories[line.vat_rate] = line.vat_category
    if VatCategory.OUT_OF_SCOPE in categories.values() and len(categories) > 1:
        raise DocumentError(
            f"{number}: lines outside the scope of VAT cannot share an invoice with taxed "
            "lines (EN 16931 BR-O-11); issue them on their own invoice"
        )
    return categories
