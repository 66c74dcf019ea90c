"""The convention de formation of a quote: the agreement between the buyer of a training
and the organisation (Code du travail L6353-1 and D6353-1), one of the contract's
documents (coaching & training contract art. 2: "le devis ou la convention de formation").

It states what D6353-1 requires — title, nature, duration, headcount, how the action runs
and how it is sanctioned, the price and any funder's contribution — plus the programme
and objectives (L6353-1), the dates of the half-days and the contract's payment,
funding and cancellation clauses, each cited from the client's terms pack. It is made on
demand from the quote as it stands (participants, funding), in French, the language of
the contract; it is not kept as evidence (the quote, the attendance sheets and the
certificates are).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from clausier.billing.models import VatCategory
from clausier.core.money import to_cents
from clausier.terms.zone import contract_day, contract_zone
from clausier.training import documents, services
from clausier.training.models import (
    FundingRequest,
    OrganisationProfile,
    Quote,
    SessionStatus,
)

# The pack's clauses the convention quotes (key → what it governs).
CLAUSES = (
    "opco.subrogation_minimum",
    "opco.agreement_before_start",
    "training.client_change_notice",
    "training.provider_cancellation_notice",
    "late_payment.statutory",
)


def context(quote: Quote, *, now: datetime) -> dict[str, Any]:
    session = quote.session
    training = session.training
    zone = contract_zone()
    slots = [
        {
            "day": slot.day,
            "half": slot.get_half_display(),
            "starts": slot.starts_at.astimezone(zone),
            "ends": slot.ends_at.astimezone(zone),
        }
        for slot in session.slots.order_by("starts_at")
    ]
    participants = [
        str(e.participant.full_name or e.participant.email)
        for e in services.active_enrolments(quote)
    ]
    rate, category = services.vat_of(quote.provider_id)
    vat = to_cents(quote.price_ht * rate / Decimal(100))
    pack = services.training_pack(quote.client)
    return {
        "quote": quote,
        "provider": quote.provider,
        "client": quote.client,
        "profile": OrganisationProfile.objects.filter(provider_id=quote.provider_id).first(),
        "training": training,
        "session": session,
        "cancelled": session.status == SessionStatus.CANCELLED,
        "slots": slots,
        "hours": sum(
            ((slot.ends_at - slot.starts_at).total_seconds() for slot in session.slots.all()),
            0.0,
        )
        / 3600,
        "participants": participants,
        "vat_rate": rate,
        "vat_exempt": category == VatCategory.EXEMPT,
        "vat": vat,
        "total_ttc": quote.price_ht + vat,
        "funding": FundingRequest.objects.filter(quote=quote).select_related("funder").first(),
        "clauses": {key.replace(".", "_"): pack.clause(key) for key in CLAUSES},
        "subrogation_minimum": pack.amount("opco.subrogation_minimum"),
        "change_months": pack.months("training.client_change_notice"),
        "cancellation_days": pack.days("training.provider_cancellation_notice"),
        "today": contract_day(now),
    }


def render(quote: Quote, *, now: datetime) -> bytes:
    """The convention as a PDF (WeasyPrint, like the sheets and certificates)."""
    return documents.render_pdf("convention.html", context(quote, now=now))


def filename(quote: Quote) -> str:
    return f"convention-de-formation-{quote.pk}.pdf"
