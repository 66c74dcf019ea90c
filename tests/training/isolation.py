"""Training rows of tenant A / client A1 for the isolation walk (tests/api)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import timezone

from clausier.training.models import (
    DocumentKind,
    Enrolment,
    Module,
    Quote,
    Slot,
    Trainer,
    Training,
    TrainingDocument,
    TrainingSession,
)

PARIS = ZoneInfo("Europe/Paris")


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
    return {
        "training_session_id": session.pk,
        "quote_id": quote.pk,
        "slot_id": slot.pk,
        "enrolment_id": enrolment.pk,
        "module_id": module.pk,
        "document_id": document.pk,
    }
