"""The coaching rows a person may see (the reach comes from `accounts.scoping`).

Provider staff see their provider's sessions; a client's administrator sees the
organisation's; a collaborator sees the sessions they take part in and the
subscriptions they are enrolled on; a coach sees the sessions they hold.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from clausier.accounts.models import Role
from clausier.accounts.reach import request_reach
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.billing.models import Subscription
from clausier.coaching.models import Coach, CoachingSession, Deliverable, Enrolment


def _person_id(person: Any) -> int:
    # 0 matches no row: an anonymous visitor reaches nothing.
    return int(person.pk) if getattr(person, "is_authenticated", False) else 0


def visible_sessions(person: Any) -> QuerySet[CoachingSession]:
    pid = _person_id(person)
    return CoachingSession.objects.filter(
        Q(provider_id__in=staff_provider_ids(person, {Role.OWNER}))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
        | Q(coach__person_id=pid, provider_id__in=staff_provider_ids(person))
        | Q(participants__person_id=pid, client_id__in=client_ids(person))
    ).distinct()


def coaching_subscriptions(person: Any) -> QuerySet[Subscription]:
    """Subscriptions with sessions (a plan granting some, art. 10.1) the person may book
    on or read the allowance of."""
    pid = _person_id(person)
    enrolled = Enrolment.objects.filter(person_id=pid).values("subscription_id")
    return Subscription.objects.filter(
        Q(provider_id__in=staff_provider_ids(person, {Role.OWNER, Role.COACH}))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
        | Q(pk__in=enrolled, client_id__in=client_ids(person)),
        plan__session_allowance__gt=0,
    )


def visible_coaches(person: Any) -> QuerySet[Coach]:
    providers = staff_provider_ids(person) | set(
        coaching_subscriptions(person).values_list("provider_id", flat=True)
    )
    return Coach.objects.filter(provider_id__in=providers, active=True).select_related("person")


def visible_deliverables(person: Any) -> QuerySet[Deliverable]:
    return Deliverable.objects.filter(
        Q(provider_id__in=staff_provider_ids(person, {Role.OWNER, Role.COACH}))
        | Q(client_id__in=client_ids(person))
    )


def coach_of(person: Any) -> Coach | None:
    pid = _person_id(person)
    if not pid:
        return None
    return Coach.objects.filter(
        person_id=pid, provider_id__in=staff_provider_ids(person), active=True
    ).first()


# -- menu predicates (core.navigation) ------------------------------------------------


# The portal's menu (core.navigation): one query each, on the request's reach.
def menu_sessions(request: HttpRequest) -> bool:
    return Enrolment.objects.filter(
        person_id=_person_id(request.user),
        subscription__client_id__in=request_reach(request).member_client_ids,
    ).exists()


def menu_coach(request: HttpRequest) -> bool:
    staff = set(request_reach(request).staff)
    return (
        bool(staff)
        and Coach.objects.filter(
            person_id=_person_id(request.user), provider_id__in=staff, active=True
        ).exists()
    )


def menu_team(request: HttpRequest) -> bool:
    admin_of = request_reach(request).admin_client_ids
    return (
        bool(admin_of)
        and Subscription.objects.filter(
            client_id__in=admin_of, plan__session_allowance__gt=0
        ).exists()
    )


def menu_problems(request: HttpRequest) -> bool:
    """The staff page of problem reports (art. 7.2.4): the provider's owners and coaches."""
    providers = request_reach(request).staff_provider_ids({Role.OWNER.value, Role.COACH.value})
    return bool(providers) and Coach.objects.filter(provider_id__in=providers).exists()


def menu_requests(request: HttpRequest) -> bool:
    """The staff page of changes asked by e-mail (art. 10.1): the provider's owners and
    coaches, like the problem reports."""
    return menu_problems(request)


def menu_calendar(request: HttpRequest) -> bool:
    """The agenda: for coaches, collaborators enrolled on a subscription, client admins."""
    return menu_coach(request) or menu_sessions(request) or menu_team(request)
