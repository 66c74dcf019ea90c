"""Attendance sheets per half-day and certificats de réalisation: PDF, kept once with
their SHA-256, and the same hours as the OPCO's invoice."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal

import pytest
from pypdf import PdfReader

from clausier.training import documents, services
from clausier.training.errors import HoursMismatch
from clausier.training.models import OrganisationProfile, Presence, TrainingDocument
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    funded,
    quote_of,
)
from tests.training.world import AFTER, FIRST_START, run_training, training_world

pytestmark = pytest.mark.django_db


def text_of(content: bytes) -> str:
    # Whitespace collapsed: a longer e-mail in a table cell wraps "150 min" over two lines.
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


@pytest.fixture
def trained():
    w = training_world()
    OrganisationProfile.objects.create(
        provider=w["provider"], declaration_number="11755555575", signatory_name="Claire Kestio"
    )
    quote = quote_of(w)
    funded(w, quote, received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote, {w["bob"]: {0: (Presence.PARTIAL, 150)}})
    return w, quote


def test_a_sheet_per_half_day_carries_signatures_and_is_kept_with_its_hash(trained):
    w, _quote = trained
    slot = w["session"].slots.order_by("starts_at").first()
    sheet = documents.attendance_sheet(now=AFTER, slot=slot)
    content = documents.stored_bytes(sheet)
    text = text_of(content)
    assert "Feuille d'émargement" in text and "150 min" in text and "192.0.2.7" in text
    assert sheet.retain_until.year == 2032
    assert documents.attendance_sheet(now=AFTER, slot=slot).pk == sheet.pk  # once


def test_the_certificate_states_the_hours_the_opco_is_billed(trained):
    w, quote = trained
    bob = quote.enrolments.get(participant=w["bob"])
    cert = documents.certificate(now=AFTER, enrolment=bob)
    text = text_of(documents.stored_bytes(cert))
    # 15 h planned, 1 h missed on the first morning (150 of 210 minutes).
    assert cert.hours == Decimal("14.00")
    assert "Certificat de réalisation" in text and "11755555575" in text, text
    assert "14,00" in text or "14.00" in text, text
    assert "action de formation" in text
    opco, _client = services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert "29,00 h" in opco.lines.get().description


def test_a_certificate_that_disagrees_with_the_sheets_blocks_the_billing(trained):
    w, quote = trained
    bob = quote.enrolments.get(participant=w["bob"])
    cert = documents.certificate(now=AFTER, enrolment=bob)
    TrainingDocument.objects.filter(pk=cert.pk).update(hours=Decimal("15.00"))
    with pytest.raises(HoursMismatch) as blocked:
        services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    assert "15.00" in str(blocked.value) and "14.00" in str(blocked.value)
