"""Demo trainings: at the coaching provider (the one whose staff has a coach), a blended
"Manager coach" training with a module, a session next month in four half-days, and a
quote of the demo client for its two collaborators; the declaration number on file."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Provider, Role
from clausier.billing.models_funders import Funder
from clausier.terms.zone import contract_zone
from clausier.training.models import (
    Enrolment,
    FundingRequest,
    Module,
    OrganisationProfile,
    Quote,
    Slot,
    Trainer,
    Training,
    TrainingSession,
)

HALF_DAYS = (("am", time(9), time(12, 30)), ("pm", time(13, 30), time(17)))


def load(provider: Provider, client: ClientOrganisation) -> None:
    coach = Membership.objects.filter(provider=provider, client=None, role=Role.COACH).first()
    if (
        coach is None
        or provider.slug != "kestio"
        or Training.objects.filter(provider=provider).exists()
    ):
        return
    OrganisationProfile.objects.get_or_create(
        provider=provider,
        defaults={"declaration_number": "11755555575", "signatory_name": "Claire Morel"},
    )
    training = Training.objects.create(
        provider=provider,
        title="Manager coach",
        objectives="Conduire un entretien de coaching avec un collaborateur.",
        programme="Jour 1 : écoute active. Jour 2 : questionnement et plan d'action.",
        prerequisites="Encadrer au moins une personne.",
        duration_hours=Decimal("15.00"),
        modality="blended",
        price_ht=Decimal("1600.00"),
    )
    Module.objects.create(
        training=training,
        title="Les bases du coaching",
        body="Ce qu'est un entretien de coaching, et ce qu'il n'est pas.",
        duration_minutes=60,
    )
    trainer = Trainer.objects.create(provider=provider, person=coach.person)
    session = TrainingSession.objects.create(
        provider=provider, training=training, trainer=trainer, location="Lyon"
    )
    first = timezone.localdate() + timedelta(days=35)
    first += timedelta(days=(7 - first.weekday()) % 7)  # a Monday
    zone = contract_zone()
    for day in (first, first + timedelta(days=1)):
        for half, start, end in HALF_DAYS:
            Slot.objects.create(
                session=session,
                day=day,
                half=half,
                starts_at=datetime.combine(day, start, tzinfo=zone),
                ends_at=datetime.combine(day, end, tzinfo=zone),
            )
    members = [
        m.person
        for m in Membership.objects.filter(client=client, role=Role.CLIENT_MEMBER).order_by("pk")
    ]
    quote = Quote.objects.create(
        provider=provider,
        client=client,
        session=session,
        price_ht=training.price_ht * len(members),
    )
    Enrolment.objects.bulk_create(Enrolment(quote=quote, participant=p) for p in members)
    # A funding request waiting for the OPCO's agreement: the staff's funding board shows it
    # with its deadline (the first half-day, art. 8.2.4).
    funder, _created = Funder.objects.get_or_create(
        provider=provider,
        siret="85199293300016",
        defaults={
            "legal_name": "OPCO Atlas",
            "billing_email": "factures@opco-atlas.example",
            "address_line1": "25 quai Panhard et Levassor",
            "postal_code": "75013",
            "city": "Paris",
        },
    )
    if quote.price_ht >= Decimal("3000.00"):
        FundingRequest.objects.create(
            quote=quote,
            funder=funder,
            file_number="AT-DEMO-0001",
            amount_requested_ht=quote.price_ht,
        )
        Quote.objects.filter(pk=quote.pk).update(payment="funder")
