"""Small builders for coaching tests: a provider with a coach, a client with a paid
coaching subscription and enrolled collaborators."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any

from clausier.accounts.models import ClientOrganisation, Person, Provider, Role, ServiceLine
from clausier.billing import services as billing
from clausier.billing.models import Invoice, Subscription
from clausier.coaching import booking
from clausier.coaching.models import Coach, PlanDelivery, WeeklySlot
from tests.billing.builders import coaching_plan
from tests.helpers import accepted_terms, make_client, make_client_user, make_provider, make_staff


@dataclass
class CoachingWorld:
    provider: Provider
    client: ClientOrganisation
    owner: Person
    admin: Person
    coach: Coach
    subscription: Subscription
    members: list[Person] = field(default_factory=list)


def make_coach(provider: Provider, zone: str = "Europe/Paris", **fields: Any) -> Coach:
    person = make_staff(provider, Role.COACH)
    person.first_name, person.last_name = "Camille", f"Coach{person.pk}"
    person.save()
    coach = Coach.objects.create(provider=provider, person=person, time_zone=zone, **fields)
    # Monday to Friday, 09:00-12:00 and 14:00-17:00 local.
    for weekday in range(5):
        WeeklySlot.objects.create(coach=coach, weekday=weekday, starts=time(9), ends=time(12))
        WeeklySlot.objects.create(coach=coach, weekday=weekday, starts=time(14), ends=time(17))
    return coach


def pay_first_invoice(subscription: Subscription, paid_at: datetime) -> Subscription:
    invoice = Invoice.objects.filter(lines__subscription=subscription).order_by("pk").first()
    assert invoice is not None
    billing.record_payment(
        now=paid_at,
        invoice=invoice,
        amount=invoice.total_ttc,
        method="transfer",
        reference=f"first-{subscription.pk}",
    )
    subscription.refresh_from_db()
    return subscription


def coaching_world(
    ordered_at: datetime,
    paid_at: datetime | None = None,
    *,
    allowance: int = 12,
    members: int = 2,
    group: int = 1,
    pack_version: str = "1.1",
) -> CoachingWorld:
    provider = make_provider("Kestio")
    owner = make_staff(provider, Role.OWNER)
    client = make_client(provider, "Boulangerie")
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    accepted_terms(client, ServiceLine.COACHING_TRAINING, ordered_at, pack_version)
    plan = coaching_plan(provider, session_allowance=allowance)
    if group > 1:
        PlanDelivery.objects.create(plan=plan, max_participants=group)
    subscription = billing.subscribe(now=ordered_at, actor=admin, client=client, plan=plan)
    if paid_at is not None:
        pay_first_invoice(subscription, paid_at)
    coach = make_coach(provider)
    world = CoachingWorld(provider, client, owner, admin, coach, subscription)
    for _ in range(members):
        person = make_client_user(client, Role.CLIENT_MEMBER)
        booking.enrol(actor=admin, subscription=subscription, person=person)
        world.members.append(person)
    return world
