"""API payloads of billing: plans, subscriptions, invoices, payments, SEPA, dunning."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from ninja import Schema
from pydantic import Field

from clausier.accounts.schemas import AddressFields
from clausier.apikit.schemas import StrictIn


class PlanOut(Schema):
    id: int
    provider_id: int
    service_line: str
    code: str
    name: str
    price_ht: Decimal
    vat_rate: Decimal
    periodicity: str
    alignment: str
    commitment_months: int
    session_allowance: int | None
    setup_fee_ht: Decimal


class SubscriptionIn(StrictIn):
    client_id: int
    plan_id: int


class OverageAgreementOut(Schema):
    """A quoted overage (managed hosting art. 5) and the client's acceptance of it."""

    id: int
    client_id: int
    subscription_id: int
    scope: str
    intervention: str
    hourly_rate: Decimal
    clause: str
    quoted_at: datetime
    accepted_at: datetime | None


class SubscriptionOut(Schema):
    id: int
    provider_id: int
    client_id: int
    plan_id: int
    label: str
    price_ht: Decimal
    vat_rate: Decimal
    periodicity: str
    alignment: str
    commitment_months: int
    status: str
    ordered_at: datetime
    start_date: date | None
    billed_until: date | None
    end_date: date | None


class InvoiceLineOut(Schema):
    position: int
    description: str
    quantity: Decimal
    unit_price_ht: Decimal
    vat_rate: Decimal
    vat_category: str  # EN 16931: S (taxed) or O (outside the scope of VAT)
    total_ht: Decimal
    clause: str
    period_start: date | None
    period_end: date | None


class PayerOut(Schema):
    """Who the invoice is addressed to: the client, or a funder paying for it."""

    kind: Literal["client", "funder"]
    name: str
    siren: str
    siret: str
    vat_number: str
    funder_id: int | None
    funding_reference: str


class FunderIn(StrictIn):
    provider_id: int
    kind: Literal["opco", "other"] = "opco"
    legal_name: str = Field(..., min_length=1, max_length=200)
    siret: str = Field(..., min_length=1, max_length=20)
    vat_number: str = Field("", max_length=20)
    billing_email: str = Field(..., min_length=3, max_length=254)
    address_line1: str = Field(..., min_length=1, max_length=200)
    address_line2: str = Field("", max_length=200)
    postal_code: str = Field(..., min_length=1, max_length=20)
    city: str = Field(..., min_length=1, max_length=100)
    country: str = Field("FR", min_length=2, max_length=2)


class FunderOut(AddressFields):
    id: int
    provider_id: int
    kind: str
    legal_name: str
    siret: str
    vat_number: str
    billing_email: str
    created_at: datetime


class InvoiceOut(Schema):
    id: int
    provider_id: int
    client_id: int
    kind: str
    number: str
    issued_at: datetime
    due_on: date
    currency: str
    total_ht: Decimal
    total_vat: Decimal
    total_ttc: Decimal
    balance_due: Decimal
    corrects_id: int | None
    reason: str
    payer: PayerOut
    lines: list[InvoiceLineOut]


class PaymentIn(StrictIn):
    amount: Decimal = Field(..., gt=0, max_digits=14, decimal_places=2)
    # What staff record by hand (`billing.models.MANUAL_PAYMENT_METHODS`); debits and
    # gateway payments are recorded by their bank report or webhook.
    method: Literal["transfer", "cheque", "card"]
    reference: str = Field(..., min_length=1, max_length=100, pattern=r"\S")
    overpayment: bool = False


class CreditNoteIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=300)


class TerminateIn(StrictIn):
    force_majeure: bool = False


class MandateIn(StrictIn):
    client_id: int
    reference: str = Field(..., min_length=1, max_length=35)
    iban: str = Field(..., min_length=5, max_length=42)
    bic: str = Field("", max_length=11)
    signed_on: date
    debtor_name: str = Field("", max_length=140)


class MandateOut(Schema):
    id: int
    client_id: int
    reference: str
    iban: str
    bic: str
    signed_on: date
    sequence_type: str
    status: str


class SepaExportIn(StrictIn):
    provider_id: int
    due_until: date


class SepaCollectionOut(Schema):
    id: int
    provider_id: int
    message_id: str
    created_at: datetime
    due_until: date
    transactions: int
    total: Decimal


class BankReportIn(StrictIn):
    provider_id: int
    content: str = Field(..., min_length=1, max_length=5_000_000)


class BankReportOut(Schema):
    rejected: list[str]
    collected: list[str]
    accelerated: list[str]
    already_done: list[str]
    unknown: list[str]
    ignored: list[str]


class DisputeIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=5000)


class DisputeOut(Schema):
    id: int
    invoice_id: int
    received_at: datetime
    reason: str
    outcome: str
    clause: str


class FormalNoticeIn(StrictIn):
    presented_on: date
