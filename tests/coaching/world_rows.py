"""Coaching objects of tenant A / client A1 for the API isolation walk
(tests/api/world.py): a coach, a paid coaching subscription with the A1 member
enrolled, a booked session, a deliverable, a problem report, a change request and a
maintenance."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Person, Provider, Role, ServiceLine
from clausier.billing import services as billing_services
from clausier.billing.models import SubscriptionStatus
from clausier.coaching.models import (
    ChangeRequest,
    Coach,
    CoachingSession,
    Deliverable,
    Enrolment,
    InterruptionKind,
    Participant,
    ProblemReport,
    ServiceInterruption,
)
from tests.billing.builders import coaching_plan
from tests.helpers import accepted_terms, make_client_user, make_staff


def coaching_rows(
    provider: Provider, client: ClientOrganisation, people: dict[str, Person]
) -> dict[str, Any]:
    """`people` must hold A1's admin (who subscribes)."""
    now = timezone.now()
    accepted_terms(client, ServiceLine.COACHING_TRAINING, now, "1.1")
    plan = coaching_plan(provider, code="focus-a")
    subscription = billing_services.subscribe(
        now=now, actor=people["admin_a1"], client=client, plan=plan
    )
    # Started without a payment row (the walk asserts no payment exists).
    subscription.status, subscription.start_date = SubscriptionStatus.ACTIVE, now.date()
    subscription.save(update_fields=["status", "start_date"])
    # Not member_a1: the walk treats that member as an outsider to A1's other pages.
    member = make_client_user(client, Role.CLIENT_MEMBER, "coachee@boulangerie.example")
    Enrolment.objects.create(subscription=subscription, person=member)
    coach = Coach.objects.create(provider=provider, person=make_staff(provider, Role.COACH))
    starts = now + timedelta(days=7)
    session = CoachingSession.objects.create(
        provider=provider,
        client=client,
        subscription=subscription,
        coach=coach,
        starts_at=starts,
        ends_at=starts + timedelta(hours=1),
        period_start=now.date(),
        period_end=now.date() + timedelta(days=364),
        ical_uid="SECRET-A1-uid@clausier",
        room_name="SECRET-A1-room",
    )
    Participant.objects.create(session=session, person=member)
    deliverable = Deliverable.objects.create(
        provider=provider,
        client=client,
        subscription=subscription,
        title="SECRET-A1 livrable",
        posted_at=now,
    )
    problem = ProblemReport.objects.create(
        session=session,
        reporter=member,
        kind="video",
        description="SECRET-A1 problème",
        reported_at=now,
        deadline=now + timedelta(days=8),
        clause="Art. 7.2.4",
    )
    # Provider A's announced maintenance (its clients' people see it; only A's staff cancel).
    interruption = ServiceInterruption.objects.create(
        provider=provider,
        kind=InterruptionKind.MAINTENANCE,
        starts_at=now + timedelta(days=10),
        ends_at=now + timedelta(days=10, hours=2),
        announced_at=now,
        scope="Application",
    )
    change_request = ChangeRequest.objects.create(
        session=session,
        sender=member,
        received_at=now,
        kind="unspecified",
        subject="SECRET-A1 report",
        text="SECRET-A1 demande",
        message_id="secret-a1@mail.example",
    )
    return {
        "coach": coach,
        "interruption": interruption,
        "session": session,
        "deliverable": deliverable,
        "problem": problem,
        "change_request": change_request,
        # Named apart from the hosting `subscription_id` the other rows of the walk use.
        "coaching_subscription": subscription,
    }
