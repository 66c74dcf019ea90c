"""Who an audience string names, and which audiences a person holds.

An item's access grant and a space's participants are audiences: `plan:<id>` (people of
clients with an active subscription to that plan) and `subscription:<id>` (people of that
subscription's client) are resolved here. Apps above content register their own kinds
from their `AppConfig.ready()` (training: `register(AudienceKind("training.cohort", ...))`),
and content then grants items and opens spaces to them without knowing them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.models import Membership, Person
from clausier.accounts.scoping import client_ids
from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.coaching.models import CoachingSession, Participant


@dataclass(frozen=True)
class AudienceKind:
    prefix: str  # "plan", "subscription", "training.cohort"
    # The audiences of this kind a person holds ({"plan:3", "plan:8"}).
    held: Callable[[Any], set[str]]
    # The people an audience of this kind names, given the id after the prefix.
    members: Callable[[str], QuerySet[Person]]


_KINDS: dict[str, AudienceKind] = {}


def register(kind: AudienceKind) -> AudienceKind:
    _KINDS[kind.prefix] = kind
    return kind


def audiences_of(person: Any) -> set[str]:
    held: set[str] = set()
    for kind in _KINDS.values():
        held |= kind.held(person)
    return held


def members_of(audience: str) -> QuerySet[Person]:
    prefix, _sep, ident = audience.rpartition(":")
    kind = _KINDS.get(prefix)
    if kind is None or not ident:
        return Person.objects.none()
    return kind.members(ident)


def _active_subscriptions(person: Any) -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        client_id__in=client_ids(person), status=SubscriptionStatus.ACTIVE
    )


def _people_of_clients(client_ids_: Any) -> QuerySet[Person]:
    memberships = Membership.objects.active().filter(client_id__in=client_ids_)
    return Person.objects.filter(pk__in=memberships.values("person_id"), is_active=True)


def _plan_held(person: Any) -> set[str]:
    plans = _active_subscriptions(person).values_list("plan_id", flat=True)
    return {f"plan:{pk}" for pk in plans}


def _plan_members(ident: str) -> QuerySet[Person]:
    if not ident.isdigit():
        return Person.objects.none()
    subscriptions = Subscription.objects.filter(
        plan_id=int(ident), status=SubscriptionStatus.ACTIVE
    )
    return _people_of_clients(subscriptions.values("client_id"))


def _subscription_held(person: Any) -> set[str]:
    return {
        f"subscription:{pk}" for pk in _active_subscriptions(person).values_list("pk", flat=True)
    }


def _subscription_members(ident: str) -> QuerySet[Person]:
    if not ident.isdigit():
        return Person.objects.none()
    subscriptions = Subscription.objects.filter(pk=int(ident), status=SubscriptionStatus.ACTIVE)
    return _people_of_clients(subscriptions.values("client_id"))


PLAN = register(AudienceKind("plan", _plan_held, _plan_members))
SUBSCRIPTION = register(AudienceKind("subscription", _subscription_held, _subscription_members))


# A coaching session's chat (`coaching.session:<id>`): its participants, while they belong
# to the client, and its coach; no one else, provider staff included (docs/content.md).
def _session_held(person: Any) -> set[str]:
    pk = int(person.pk) if getattr(person, "is_authenticated", False) else 0
    seated = Participant.objects.filter(
        person_id=pk, session__client_id__in=client_ids(person)
    ).values_list("session_id", flat=True)
    coached = CoachingSession.objects.filter(coach__person_id=pk).values_list("pk", flat=True)
    return {f"coaching.session:{sid}" for sid in [*seated, *coached]}


def _session_members(ident: str) -> QuerySet[Person]:
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
