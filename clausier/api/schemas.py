"""API payloads. Inputs are strict: unknown fields are refused, lengths bounded."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, model_validator


def _refuse_nul(value: Any) -> None:
    if isinstance(value, str) and "\x00" in value:
        raise ValueError("NUL characters are not allowed in text")
    if isinstance(value, dict):
        for item in value.values():
            _refuse_nul(item)
    elif isinstance(value, list):
        for item in value:
            _refuse_nul(item)


class StrictIn(Schema):
    """Unknown fields refused; no NUL characters (PostgreSQL text cannot hold them)."""

    model_config = ConfigDict(extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def no_nul_characters(cls, data: Any) -> Any:
        _refuse_nul(data)
        return data


class ErrorOut(Schema):
    code: str
    message: str
    fields: dict[str, list[str]] = {}


class PersonOut(Schema):
    id: int
    email: str
    first_name: str
    last_name: str
    language: str


class MembershipOut(Schema):
    id: int
    person: PersonOut
    provider_id: int
    client_id: int | None
    role: str
    created_at: datetime
    suspended_at: datetime | None
    suspension_reason: str
    revoked_at: datetime | None


class MeOut(Schema):
    person: PersonOut
    memberships: list[MembershipOut]


class MePatch(StrictIn):
    first_name: str | None = Field(None, max_length=100)
    last_name: str | None = Field(None, max_length=100)
    language: str | None = Field(None, max_length=2)


class AddressFields(Schema):
    address_line1: str
    address_line2: str
    postal_code: str
    city: str
    country: str


class ProviderOut(AddressFields):
    id: int
    slug: str
    legal_name: str
    service_line: str
    siren: str
    siret: str
    vat_number: str
    contact_email: str
    support_email: str
    holiday_country: str
    holiday_subdivision: str
    iban: str
    bic: str
    legal_form: str
    share_capital: Decimal | None
    rcs_city: str
    operation_category: str
    vat_on_debits: bool


class ProviderPatch(StrictIn):
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    siren: str | None = Field(None, max_length=20)
    siret: str | None = Field(None, max_length=20)
    vat_number: str | None = Field(None, max_length=20)
    address_line1: str | None = Field(None, min_length=1, max_length=200)
    address_line2: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, min_length=1, max_length=20)
    city: str | None = Field(None, min_length=1, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    contact_email: str | None = Field(None, max_length=254)
    support_email: str | None = Field(None, max_length=254)
    # The provider's calendar (its seat's public holidays), used by every business time.
    holiday_country: str | None = Field(None, min_length=2, max_length=2)
    holiday_subdivision: str | None = Field(None, max_length=10)
    iban: str | None = Field(None, max_length=42)
    bic: str | None = Field(None, max_length=11)
    # Invoice mentions (Code de commerce R123-237, e-invoicing reform); null clears the
    # share capital of an individual business.
    legal_form: str | None = Field(None, min_length=1, max_length=60)
    share_capital: Decimal | None = Field(None, max_digits=14, decimal_places=2)
    rcs_city: str | None = Field(None, max_length=100)
    operation_category: str | None = Field(None, max_length=16)
    vat_on_debits: bool | None = None


class ClientOut(AddressFields):
    id: int
    provider_id: int
    legal_name: str
    siren: str
    vat_number: str
    billing_email: str
    email_domains: list[str]
    created_at: datetime


class ClientIn(StrictIn):
    provider_id: int
    legal_name: str = Field(..., min_length=1, max_length=200)
    siren: str = Field("", max_length=20)
    vat_number: str = Field("", max_length=20)
    address_line1: str = Field(..., min_length=1, max_length=200)
    address_line2: str = Field("", max_length=200)
    postal_code: str = Field(..., min_length=1, max_length=20)
    city: str = Field(..., min_length=1, max_length=100)
    country: str = Field("FR", min_length=2, max_length=2)
    billing_email: str = Field("", max_length=254)
    email_domains: list[str] = Field(default_factory=list, max_length=50)


class ClientPatch(StrictIn):
    legal_name: str | None = Field(None, min_length=1, max_length=200)
    siren: str | None = Field(None, max_length=20)
    vat_number: str | None = Field(None, max_length=20)
    address_line1: str | None = Field(None, min_length=1, max_length=200)
    address_line2: str | None = Field(None, max_length=200)
    postal_code: str | None = Field(None, min_length=1, max_length=20)
    city: str | None = Field(None, min_length=1, max_length=100)
    country: str | None = Field(None, min_length=2, max_length=2)
    billing_email: str | None = Field(None, max_length=254)
    email_domains: list[str] | None = Field(None, max_length=50)


class InvitationIn(StrictIn):
    email: str = Field(..., min_length=3, max_length=254)
    role: str = Field(..., max_length=16)
    language: str = Field("fr", max_length=2)
    client_id: int | None = None
    provider_id: int | None = None


class InvitationOut(Schema):
    id: int
    provider_id: int
    client_id: int | None
    email: str
    role: str
    language: str
    status: str
    created_at: datetime
    expires_at: datetime
    sent_count: int


class SuspendIn(StrictIn):
    reason: str = Field(..., min_length=1, max_length=2000)


class TokenIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=100)
    # The caller's password again: a session alone does not mint a long-lived token.
    password: str = Field(..., min_length=1, max_length=4096)


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


class AuditOut(Schema):
    id: int
    at: datetime
    provider_id: int | None
    client_id: int | None
    actor_email: str | None
    action: str
    object_type: str
    object_id: str
    object_repr: str
    details: dict[str, Any]
    ip_address: str | None

    @staticmethod
    def resolve_actor_email(obj: Any) -> str | None:
        return obj.actor.email if obj.actor_id else None


class OutboxOut(Schema):
    id: int
    to_email: str
    language: str
    template: str
    subject: str
    status: str
    attempts: int
    message_id: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str


class TermsIn(StrictIn):
    provider_id: int
    service_line: str = Field(..., max_length=32)
    version: str = Field(..., min_length=1, max_length=32)
    pack_version: str = Field(..., min_length=1, max_length=16)
    text_fr: str = Field(..., min_length=1, max_length=500_000)
    text_de: str = Field("", max_length=500_000)
    text_en: str = Field("", max_length=500_000)


class TermsOut(Schema):
    id: int
    provider_id: int
    service_line: str
    version: str
    pack_version: str
    pack_digest: str
    text_fr: str
    text_de: str
    text_en: str
    created_at: datetime
    published_at: datetime | None
    effective_at: datetime | None


class PublishIn(StrictIn):
    effective_at: datetime | None = None


class ReviewIn(StrictIn):
    client_id: int
    language: str = Field("fr", max_length=2)


class ReviewOut(Schema):
    review_token: str
    language: str
    text: str
    reviewed_at: datetime


class AcceptIn(StrictIn):
    client_id: int
    review_token: str = Field(..., min_length=1, max_length=2000)


class AcceptanceOut(Schema):
    id: int
    terms_id: int
    client_id: int
    person_id: int
    reviewed_at: datetime
    accepted_at: datetime
    language: str
    text_digest: str
    pack_version: str
    pack_digest: str
    ip_address: str | None


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
