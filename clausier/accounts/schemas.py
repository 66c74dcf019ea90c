"""API payloads of accounts: people, providers, clients, invitations, tokens, audit."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from ninja import Schema
from pydantic import Field

from clausier.apikit.schemas import StrictIn


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
    fiscal_year_start_month: int


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
    fiscal_year_start_month: int | None = Field(None, ge=1, le=12)


class ClientOut(AddressFields):
    id: int
    provider_id: int
    legal_name: str
    siren: str
    vat_number: str
    billing_email: str
    billing_language: str
    kind: str
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
    billing_language: str = Field("fr", min_length=2, max_length=2)
    kind: str = Field("company", max_length=24)
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
    billing_language: str | None = Field(None, min_length=2, max_length=2)
    kind: str | None = Field(None, max_length=24)
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
