"""A training world: Kestio, a client that accepted the coaching & training terms, two
participants, a trainer, an OPCO, and a 15 h training (two days of half-days + 1 h of
e-learning) on 9-10 March 2026."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from clausier.accounts.models import Role, ServiceLine
from clausier.training import services
from clausier.training.models import Presence
from tests.billing.builders import make_funder
from tests.helpers import accepted_terms, make_client, make_client_user, make_provider, make_staff

PARIS = ZoneInfo("Europe/Paris")
ORDERED = datetime(2026, 1, 5, 9, tzinfo=PARIS)
FIRST_START = datetime(2026, 3, 9, 9, tzinfo=PARIS)
AFTER = datetime(2026, 3, 11, 9, tzinfo=PARIS)
DAYS = (date(2026, 3, 9), date(2026, 3, 10))


def slots() -> list[services.SlotDraft]:
    return [
        services.SlotDraft(day, half, start, end)
        for day in DAYS
        for half, start, end in (("am", time(9), time(12, 30)), ("pm", time(13, 30), time(17)))
    ]


def training_world(price: str = "1600.00", pricing: str = "per_participant") -> dict[str, Any]:
    provider = make_provider("Kestio")
    client = make_client(provider, "Boulangerie")
    owner = make_staff(provider, Role.OWNER)
    accountant = make_staff(provider, Role.ACCOUNTANT)
    coach = make_staff(provider, Role.COACH)
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    alice = make_client_user(client, Role.CLIENT_MEMBER)
    bob = make_client_user(client, Role.CLIENT_MEMBER)
    accepted_terms(client, ServiceLine.COACHING_TRAINING, ORDERED)
    training = services.create_training(
        now=ORDERED,
        actor=owner,
        provider=provider,
        fields={
            "title": "Manager coach",
            "objectives": "Conduire un entretien de coaching",
            "programme": "Jour 1 : écoute. Jour 2 : questionnement.",
            "duration_hours": Decimal("15.00"),
            "modality": "blended",
            "price_ht": Decimal(price),
            "pricing": pricing,
        },
    )
    module = services.add_module(
        actor=owner, training=training, title="Les bases", duration_minutes=60
    )
    trainer = services.trainer_for(actor=owner, provider=provider, person=coach)
    session = services.schedule_session(
        now=ORDERED, actor=owner, training=training, trainer=trainer, slots=slots()
    )
    return {
        "provider": provider,
        "client": client,
        "owner": owner,
        "accountant": accountant,
        "coach": coach,
        "admin": admin,
        "alice": alice,
        "bob": bob,
        "training": training,
        "module": module,
        "trainer": trainer,
        "session": session,
        "funder": make_funder(provider),
    }


def run_training(
    w: dict[str, Any],
    quote: Any,
    absences: dict[Any, dict[int, tuple[str, int | None]]] | None = None,
) -> None:
    """Everyone signs every half-day unless `absences[person][slot index]` says otherwise;
    the trainer validates each half-day at its end."""
    absences = absences or {}
    enrolments = {e.participant_id: e for e in quote.enrolments.all()}
    for index, slot in enumerate(w["session"].slots.order_by("starts_at")):
        for person in (w["alice"], w["bob"]):
            if person.pk not in enrolments:
                continue
            status, minutes = absences.get(person, {}).get(index, (Presence.PRESENT, None))
            if status in (Presence.PRESENT, Presence.PARTIAL):
                services.sign_half_day(now=slot.starts_at, actor=person, slot=slot, ip="192.0.2.7")
            services.mark_attendance(
                actor=w["coach"],
                slot=slot,
                enrolment=enrolments[person.pk],
                status=status,
                minutes=minutes,
            )
        services.validate_half_day(now=slot.ends_at, actor=w["coach"], slot=slot, ip="192.0.2.1")
