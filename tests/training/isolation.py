"""Training rows of tenant A / client A1 for the isolation walk (tests/api)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from clausier.billing.models_funders import Funder
from clausier.training.models import (
    Attendance,
    DocumentKind,
    Enrolment,
    Evaluation,
    FundingRequest,
    Module,
    OrganisationProfile,
    Quote,
    Signature,
    Slot,
    Trainer,
    Training,
    TrainingDocument,
    TrainingSession,
)

PARIS = ZoneInfo("Europe/Paris")
# The last world's rows by admin label, for the back-office matrix (tests/admin).
ADMIN_OBJECTS: dict[str, Any] = {}


def admin_objects() -> dict[str, Any]:
    return dict(ADMIN_OBJECTS)


def build_training(provider: Any, client: Any, people: dict[str, Any]) -> dict[str, int]:
    training = Training.objects.create(
        provider=provider,
        title="SECRET-A1 formation",
        duration_hours=Decimal("4.00"),
        price_ht=Decimal("3500.00"),
    )
    module = Module.objects.create(training=training, title="M1", duration_minutes=30)
    trainer = Trainer.objects.create(provider=provider, person=people["owner_a"])
    session = TrainingSession.objects.create(provider=provider, training=training, trainer=trainer)
    day = timezone.now().astimezone(PARIS).date() + timedelta(days=60)
    slot = Slot.objects.create(
        session=session,
        day=day,
        half="am",
        starts_at=datetime.combine(day, time(9), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(12, 30), tzinfo=PARIS),
    )
    quote = Quote.objects.create(
        provider=provider, client=client, session=session, price_ht=Decimal("3500.00")
    )
    enrolment = Enrolment.objects.create(quote=quote, participant=people["member_a1"])
    document = TrainingDocument.objects.create(
        provider=provider,
        session=session,
        kind=DocumentKind.CERTIFICATE,
        enrolment=enrolment,
        path="training/none.pdf",
        sha256="0" * 64,
        created_at=timezone.now(),
        retain_until=date(2032, 1, 1),
    )
    request = FundingRequest.objects.create(
        quote=quote,
        funder=Funder.objects.filter(provider=provider).first()
        or Funder.objects.create(
            provider=provider,
            legal_name="SECRET-A1 OPCO formation",
            siret="85199293300016",
            billing_email="opco@example.org",
            address_line1="1 rue",
            postal_code="75001",
            city="Paris",
        ),
        file_number="SECRET-A1-DOSSIER",
        amount_requested_ht=Decimal("3500.00"),
    )
    attendance = Attendance.objects.create(
        enrolment=enrolment, slot=slot, status="present", minutes=210
    )
    signature = Signature.objects.create(
        session=session,
        slot=slot,
        enrolment=enrolment,
        signer=people["member_a1"],
        role="participant",
        signed_at=timezone.now(),
        digest="f" * 64,
    )
    # An answered evaluation with a comment: its means and words stay A's and A1's.
    Evaluation.objects.create(
        enrolment=enrolment,
        kind="hot",
        token_hash="e" * 64,
        sent_at=timezone.now(),
        answered_at=timezone.now(),
        answers={
            "objectives": 5,
            "content": 5,
            "trainer": 5,
            "organisation": 5,
            "recommend": 5,
            "comment": "SECRET-A1 avis",
        },
    )
    profile = OrganisationProfile.objects.create(
        provider=provider, declaration_number="11755555575", signatory_name="Signataire"
    )
    ADMIN_OBJECTS.update(
        {
            "training.training": training,
            "training.organisationprofile": profile,
            "training.trainingsession": session,
            "training.quote": quote,
            "training.fundingrequest": request,
            "training.attendance": attendance,
            "training.signature": signature,
            "training.trainingdocument": document,
        }
    )
    return {
        "training_session_id": session.pk,
        "quote_id": quote.pk,
        "slot_id": slot.pk,
        "enrolment_id": enrolment.pk,
        "module_id": module.pk,
        "document_id": document.pk,
    }
