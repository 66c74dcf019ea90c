"""Who an audience string names, and which audiences a person holds.

An item's access grant and a space's participants are audiences: `plan:<id>` (people of
clients with a subscription to that plan whose access is open) and `subscription:<id>`
(people of that subscription's client, while its access is open) are resolved here. A
subscription's access is open while it is active and, once it has an end, until its access
window closes two months later (coaching art. 7.2.2, `coaching.access.access_end`); a
subscription waiting for its first payment opens nothing. Apps above content register
their own kinds from their `AppConfig.ready()` (training:
`register(AudienceKind("training.cohort", ...))`), and content then grants items and
opens spaces to them without knowing them. Every resolver takes `now`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.models import Membership, Person
from clausier.accounts.scoping import client_ids
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.coaching import access
from clausier.coaching.models import CoachingSession, Participant


@dataclass(frozen=True)
class AudienceKind:
    prefix: str  # "plan", "subscription", "training.cohort"
    # The audiences of this kind a person holds at `now` ({"plan:3", "plan:8"}).
    held: Callable[[Any, datetime], set[str]]
    # The people an audience of this kind names at `now`, given the id after the prefix.
    members: Callable[[str, datetime], QuerySet[Person]]


_KINDS: dict[str, AudienceKind] = {}


def register(kind: AudienceKind) -> AudienceKind:
    _KINDS[kind.prefix] = kind
    return kind


def audiences_of(person: Any, now: datetime) -> set[str]:
    held: set[str] = set()
    for kind in _KINDS.values():
        held |= kind.held(person, now)
    return held


def members_of(audience: str, now: datetime) -> QuerySet[Person]:
    prefix, _sep, ident = audience.rpartition(":")
    kind = _KINDS.get(prefix)
    if kind is None or not ident:
        return Person.objects.none()
    return kind.members(ident, now)


def access_open(subscription: Subscription, now: datetime) -> bool:
    """Art. 7.2.2: a subscription opens its content from its first payment until two months
    after its end (to midnight of that day, Paris), not only while `status` is active."""
    if subscription.status == SubscriptionStatus.PENDING:
        return False
    if access.access_end(subscription) is None:
        return subscription.status == SubscriptionStatus.ACTIVE
    return access.has_ended(subscription, now) is None


def _open(subscriptions: QuerySet[Subscription], now: datetime) -> list[Subscription]:
    # Active ones, and ended ones whose window may still run (decided per row: the window
    # comes from each subscription's own terms pack).
    candidates = subscriptions.filter(
        Q(status=SubscriptionStatus.ACTIVE) | Q(end_date__isnull=False)
    ).exclude(status=SubscriptionStatus.PENDING)
    return [s for s in candidates if access_open(s, now)]


def open_subscriptions(person: Any, now: datetime) -> list[Subscription]:
    """The subscriptions of the person's clients whose access is open at `now`."""
    return _open(Subscription.objects.filter(client_id__in=client_ids(person)), now)


def _people_of_clients(client_ids_: Any) -> QuerySet[Person]:
    memberships = Membership.objects.active().filter(client_id__in=client_ids_)
    return Person.objects.filter(pk__in=memberships.values("person_id"), is_active=True)


def _plan_held(person: Any, now: datetime) -> set[str]:
    return {f"plan:{s.plan_id}" for s in open_subscriptions(person, now)}


def _plan_members(ident: str, now: datetime) -> QuerySet[Person]:
    if not ident.isdigit():
        return Person.objects.none()
    subscriptions = _open(Subscription.objects.filter(plan_id=int(ident)), now)
    return _people_of_clients([s.client_id for s in subscriptions])


def _subscription_held(person: Any, now: datetime) -> set[str]:
    return {f"subscription:{s.pk}" for s in open_subscriptions(person, now)}


def _subscription_members(ident: str, now: datetime) -> QuerySet[Person]:
    if not ident.isdigit():
        return Person.objects.none()
    subscriptions = _open(Subscription.objects.filter(pk=int(ident)), now)
    return _people_of_clients([s.client_id for s in subscriptions])


PLAN = register(AudienceKind("plan", _plan_held, _plan_members))
SUBSCRIPTION = register(AudienceKind("subscription", _subscription_held, _subscription_members))


# A coaching session's chat (`coaching.session:<id>`): its participants, while they belong
# to the client, and its coach; no one else, provider staff included (docs/content.md).
def _session_held(person: Any, now: datetime) -> set[str]:
    pk = int(person.pk) if getattr(person, "is_authenticated", False) else 0
    seated = Participant.objects.filter(
        person_id=pk, session__client_id__in=client_ids(person)
    ).values_list("session_id", flat=True)
    coached = CoachingSession.objects.filter(coach__person_id=pk).values_list("pk", flat=True)
    return {f"coaching.session:{sid}" for sid in [*seated, *coached]}


def _session_members(ident: str, now: datetime) -> QuerySet[Person]:
    if not ident.isdigit():
        return Person.objects.none()
    session = CoachingSession.objects.filter(pk=int(ident)).select_related("coach").first()
    if session is None:
        return Person.objects.none()
    seated = Participant.objects.filter(session=session).values("person_id")
    people = _people_of_clients([session.client_id]).filter(pk__in=seated)
    return Person.objects.filter(
        Q(pk__in=people.values("pk")) | Q(pk=session.coach.person_id), is_active=True
    )


COACHING_SESSION = register(AudienceKind("coaching.session", _session_held, _session_members))
