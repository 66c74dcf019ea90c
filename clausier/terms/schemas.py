"""API payloads of terms: versions, publication, the double-click acceptance."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema
from pydantic import Field

from clausier.apikit.schemas import StrictIn


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
