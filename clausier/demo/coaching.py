"""Demo coaching for the coaching provider (Kestio): two coaches with weekly availability
(Paris and Berlin), the subscribed client of the content demo (Studio Lambert, plan Focus,
12 sessions a year, art. 10.1) with its collaborator and its admin enrolled, two sessions
booked through the services (invitations with their iCalendar file wait in the outbox)
and one cancelled in time (its seat returned to the allowance).

Sessions in the past would need a subscription paid in the past; the demo's is paid the
day it loads, so the period starts then and every session is to come. Idempotent: a
second run changes nothing.
"""

from __future__ import annotations

from datetime import time, timedelta

from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Membership, Person, Provider, Role
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.coaching import availability, booking, services
from clausier.coaching.models import Coach, CoachingSession, Enrolment, WeeklySlot

SECOND_COACH = ("coach2@kestio.example", "Jonas", "Becker", "Europe/Berlin")
# Monday to Friday, in each coach's own zone.
HOURS = ((time(9), time(12)), (time(14), time(17)))


def _coach(provider: Provider, person: Person, zone: str) -> Coach:
    coach = Coach.objects.filter(provider=provider, person=person).first()
    if coach is None:
        coach = Coach.objects.create(provider=provider, person=person, time_zone=zone)
        WeeklySlot.objects.bulk_create(
            WeeklySlot(coach=coach, weekday=day, starts=opens, ends=closes)
            for day in range(5)
            for opens, closes in HOURS
        )
    return coach


def load(password_hash: str) -> list[tuple[str, str, str]]:
    """Load the coaching demo; returns its logins as (e-mail, role, where)."""
    provider = Provider.objects.get(slug="kestio")
    # The main demo's coach (the first): the coaching demo adds a second one.
    main_coach = (
        Membership.objects.filter(provider=provider, client=None, role=Role.COACH)
        .order_by("pk")
        .first()
    )
    assert main_coach is not None
    first = main_coach.person
    email, given, family, zone = SECOND_COACH
    second = Person.objects.filter(email__iexact=email).first()
    if second is None:
        second = Person.objects.create(
            email=email, first_name=given, last_name=family, password=password_hash, language="de"
        )
    Membership.objects.get_or_create(
        person=second, provider=provider, client=None, defaults={"role": Role.COACH}
    )
    coaches = [_coach(provider, first, "Europe/Paris"), _coach(provider, second, zone)]
    logins = [(email, str(Role.COACH.label), provider.legal_name)]
    client = ClientOrganisation.objects.filter(
        provider=provider, legal_name__startswith="Studio Lambert"
    ).first()
    subscription = (
        Subscription.objects.filter(client=client, status=SubscriptionStatus.ACTIVE).first()
        if client
        else None
    )
    if subscription is None or CoachingSession.objects.filter(subscription=subscription).exists():
        return logins
    admin = Membership.objects.get(client=client, role=Role.CLIENT_ADMIN).person
    members = [m.person for m in Membership.objects.filter(client=client).select_related("person")]
    for person in members:
        if not Enrolment.objects.filter(subscription=subscription, person=person).exists():
            booking.enrol(actor=admin, subscription=subscription, person=person)
    now = timezone.now()
    listed = list(Coach.objects.filter(pk__in=[c.pk for c in coaches]).select_related("provider"))
    # From the third day: the cancellation below is then in time (48 clock hours, art. 10.1).
    free = availability.free_slots(listed, now + timedelta(days=3), now + timedelta(days=17), now)
    member = next(p for p in members if p.pk != admin.pk)
    picks = [
        (member, free[coaches[0].pk][0]),
        (admin, free[coaches[1].pk][2]),
        (member, free[coaches[1].pk][6]),
    ]
    booked = [
        services.book_session(
            now=now,
            actor=person,
            subscription=subscription,
            coach=coaches[0] if slot.coach_id == coaches[0].pk else coaches[1],
            starts_at=slot.starts_at,
        )
        for person, slot in picks
    ]
    services.cancel_session(now=now, actor=member, session=booked[-1])
    return logins
