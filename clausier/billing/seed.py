"""Many subscriptions at once, for the crash-safety tests and the billing benchmark."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction

from clausier.accounts.models import ClientOrganisation, Person, Provider, ServiceLine
from clausier.billing.models import Alignment, Periodicity, Plan, Subscription, SubscriptionStatus
from clausier.terms.digests import pack_digest
from clausier.terms.models import Acceptance, TermsVersion
from clausier.terms.packs import available_versions


@transaction.atomic
def seed_subscriptions(provider: Provider, count: int, start: date, now: datetime) -> int:
    """`count` active monthly subscriptions of one client each, starting on `start`."""
    pack_version = available_versions(ServiceLine.COACHING_TRAINING)[-1]  # new acceptances
    digest = pack_digest(ServiceLine.COACHING_TRAINING, pack_version)
    terms, _created = TermsVersion.objects.get_or_create(
        provider=provider,
        service_line=ServiceLine.COACHING_TRAINING,
        version="seed",
        defaults={
            "pack_version": pack_version,
            "pack_digest": digest,
            "text_fr": "CGV",
            "published_at": now,
            "effective_at": now,
        },
    )
    plan, _created = Plan.objects.get_or_create(
        provider=provider,
        code="seed-focus",
        defaults={
            "service_line": ServiceLine.COACHING_TRAINING,
            "name": "Focus",
            "price_ht": Decimal("390.00"),
            "periodicity": Periodicity.MONTHLY,
            "alignment": Alignment.ANNIVERSARY,
            "commitment_months": 12,
        },
    )
    person = Person.objects.filter(memberships__provider=provider).first()
    assert person is not None, "the provider needs one member to sign the acceptances"
    offset = ClientOrganisation.objects.filter(provider=provider).count()
    clients = ClientOrganisation.objects.bulk_create(
        ClientOrganisation(
            provider=provider,
            legal_name=f"Client {offset + n}",
            address_line1="1 rue",
            postal_code="69002",
            city="Lyon",
        )
        for n in range(count)
    )
    acceptances = Acceptance.objects.bulk_create(
        Acceptance(
            terms=terms,
            client=client,
            person=person,
            reviewed_at=now,
            accepted_at=now,
            language="fr",
            text_digest=TermsVersion.digest("CGV"),
            pack_version=pack_version,
            pack_digest=digest,
        )
        for client in clients
    )
    Subscription.objects.bulk_create(
        Subscription(
            provider=provider,
            client=client,
            plan=plan,
            acceptance=acceptance,
            label=plan.name,
            price_ht=plan.price_ht,
            vat_rate=plan.vat_rate,
            periodicity=plan.periodicity,
            alignment=plan.alignment,
            commitment_months=12,
            status=SubscriptionStatus.ACTIVE,
            ordered_at=now,
            start_date=start,
            billed_until=start,
        )
        for client, acceptance in zip(clients, acceptances, strict=True)
    )
    return count
