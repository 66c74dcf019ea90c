"""Booking a session with a coach from the subscription's remaining allowance.

Concurrency: a booking locks, in this order, the subscription (its allowance), the coach
and the participants (by primary key), then checks and writes. Two requests for one slot,
or one participant booking two coaches at once, are serialised on PostgreSQL: exactly
one wins, the other gets `SlotTaken` (tests/coaching/test_it_books_one_slot_once_on_postgresql.py).
A partial unique index on (coach, starts_at) of live sessions is the database's own
last guard.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import availability, ledger
from clausier.coaching.errors import AllowanceExhausted, CoachingError, SlotTaken
from clausier.coaching.models import (
    ACTIVE_STATUSES,
    Coach,
    CoachingSession,
    Enrolment,
    LedgerKind,
    Participant,
    PlanDelivery,
    SessionStatus,
)
from clausier.terms.zone import contract_day

STAFF_WHO_BOOK: set[str] = {Role.OWNER, Role.COACH}


def capacity_of(subscription: Subscription) -> int:
    delivery = PlanDelivery.objects.filter(plan_id=subscription.plan_id).first()
    return delivery.max_participants if delivery else 1


def enrolled_ids(subscription: Subscription) -> set[int]:
    return set(
        Enrolment.objects.filter(subscription=subscription).values_list("person_id", flat=True)
    )


def enrol(*, actor: Person, subscription: Subscription, person: Person) -> Enrolment:
    """The client admin (or provider staff) assigns a collaborator to the subscription."""
    client = subscription.client
    if not scoping.can_manage_client(actor, client):
        raise NotAllowed(_("Seul l'administrateur du client inscrit des collaborateurs."))
    if client.pk not in scoping.client_ids(person):
        raise CoachingError(
            _("Cette personne n'est pas membre de l'organisation cliente."), code="not_a_member"
        )
    enrolment, _created = Enrolment.objects.get_or_create(subscription=subscription, person=person)
    return enrolment


def _check_actor(actor: Person, subscription: Subscription, participants: Sequence[Person]) -> None:
    if subscription.provider_id in scoping.staff_provider_ids(actor, STAFF_WHO_BOOK):
        return
    if subscription.client_id in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        return
    if [p.pk for p in participants] == [actor.pk] and actor.pk in enrolled_ids(subscription):
        return
    raise NotAllowed(_("Vous ne pouvez pas réserver pour ces participants."))


# Bookings open this far ahead at most (the current period and the next).
BOOKING_HORIZON = timedelta(days=400)


def check_horizon(starts_at: datetime, now: datetime) -> None:
    if not now < starts_at <= now + BOOKING_HORIZON:
        raise CoachingError(
            _("Choisissez un créneau à venir, dans les treize prochains mois."),
            code="outside_horizon",
        )


def _check_contract(subscription: Subscription, starts_at: datetime) -> None:
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.start_date is None:
        raise CoachingError(
            _("Le contrat n'a pas commencé : il prend effet au paiement de la première facture."),
            code="contract_not_started",
        )
    day = contract_day(starts_at)
    if day < subscription.start_date or (
        subscription.end_date is not None and day >= subscription.end_date
    ):
        raise CoachingError(
            _("La séance doit avoir lieu pendant le contrat."), code="outside_contract"
        )


def _lock(subscription: Subscription, coach: Coach, participants: Sequence[Person]) -> None:
    # One order for every booking, so two bookings never wait on each other in a cycle.
    Subscription.objects.select_for_update().filter(pk=subscription.pk).first()
    Coach.objects.select_for_update().filter(pk=coach.pk).first()
    list(
        Person.objects.select_for_update()
        .filter(pk__in=sorted(p.pk for p in participants))
        .order_by("pk")
    )


def _overlapping(starts_at: datetime, ends_at: datetime) -> dict[str, object]:
    return {
        "status__in": ACTIVE_STATUSES,
        "starts_at__lt": ends_at,
        "ends_at__gt": starts_at,
    }


def _check_free(
    coach: Coach,
    participants: Sequence[Person],
    starts_at: datetime,
    ends_at: datetime,
    joining: CoachingSession | None,
) -> None:
    window = _overlapping(starts_at, ends_at)
    busy = CoachingSession.objects.filter(coach=coach, **window)
    if joining is not None:
        busy = busy.exclude(pk=joining.pk)
    if busy.exists():
        raise SlotTaken(_("Ce créneau vient d'être réservé."))
    clash = Participant.objects.filter(
        person__in=participants, **{f"session__{k}": v for k, v in window.items()}
    )
    if clash.exists():
        raise SlotTaken(_("Un participant a déjà une séance à cette heure-là."))


def _group_session(
    subscription: Subscription, coach: Coach, starts_at: datetime
) -> CoachingSession | None:
    """An open group session of the same subscription at that start, if seats remain."""
    session = CoachingSession.objects.filter(
        subscription=subscription, coach=coach, starts_at=starts_at, status=SessionStatus.BOOKED
    ).first()
    if session is None or session.capacity <= 1:
        return None
    return session


def book(
    *,
    now: datetime,
    actor: Person,
    subscription: Subscription,
    coach: Coach,
    starts_at: datetime,
    participants: Sequence[Person] | None = None,
    replaces: CoachingSession | None = None,
) -> CoachingSession:
    """Book (or join, for a group plan) a coach's slot for participants of a subscription."""
    participants = list(participants or [actor])
    _check_actor(actor, subscription, participants)
    if coach.provider_id != subscription.provider_id or not coach.active:
        raise CoachingError(_("Coach introuvable."), code="unknown_coach")
    missing = {p.pk for p in participants} - enrolled_ids(subscription)
    if missing:
        raise CoachingError(
            _("Chaque participant doit être inscrit à l'abonnement."), code="not_enrolled"
        )
    check_horizon(starts_at, now)
    _check_contract(subscription, starts_at)
    ends_at = starts_at + timedelta(minutes=coach.slot_minutes)
    pack = pack_of(subscription)
    period = ledger.period_for(subscription, starts_at, pack)
    ledger.ensure_granted(subscription, period, now, pack)
    try:
        with transaction.atomic():
            _lock(subscription, coach, participants)
            joining = _group_session(subscription, coach, starts_at)
            if joining is None and not availability.is_offered(coach, starts_at, ends_at, now):
                raise SlotTaken(_("Ce créneau n'est pas proposé par le coach."))
            _check_free(coach, participants, starts_at, ends_at, joining)
            remaining = ledger.allowance(subscription, starts_at, now, pack).remaining
            if remaining < len(participants):
                raise AllowanceExhausted(
                    _("Il ne reste plus assez de séances sur la période (art. 10.1).")
                )
            session = joining or CoachingSession.objects.create(
                provider_id=subscription.provider_id,
                client_id=subscription.client_id,
                subscription=subscription,
                coach=coach,
                starts_at=starts_at,
                ends_at=ends_at,
                capacity=capacity_of(subscription),
                period_start=period.start,
                period_end=period.last_day,
                ical_uid=f"{secrets.token_hex(16)}@clausier",
                room_name=f"s-{secrets.token_hex(12)}",
                booked_by=actor,
                created_at=now,
                replaces=replaces,
            )
            taken = session.participants.count()
            if taken + len(participants) > session.capacity:
                raise SlotTaken(_("Cette séance de groupe est complète."))
            clause = str(pack.clause("sessions.carry_over"))
            for person in participants:
                seat = Participant.objects.create(session=session, person=person)
                ledger.record(seat, LedgerKind.BOOKED, now, clause)
    except IntegrityError as exc:
        # The partial unique index caught a race the locks did not (SQLite, or a writer
        # outside this function): the same answer as a clash seen by the checks.
        raise SlotTaken(_("Ce créneau vient d'être réservé.")) from exc
    return session
