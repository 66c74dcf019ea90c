"""The content rows a person may see, as querysets (the reach comes from `scoping`).

Provider staff see all of their provider's content; client users see the items granted
to an audience they hold (`content.audiences`), the spaces whose audience they belong to,
and the challenges of their organisation's subscriptions whose access is open (art.
7.2.2) — always of the provider their organisation belongs to.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from clausier.accounts.models import ClientOrganisation, Role
from clausier.accounts.reach import request_reach
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.content.audiences import audiences_of, open_subscriptions
from clausier.content.models import (
    Challenge,
    LibraryItem,
    Post,
    Space,
    SpaceKind,
    Submission,
    Upload,
)

# Staff roles that create library items, spaces and challenges, and moderate posts.
CONTENT_ROLES: set[str] = {Role.OWNER, Role.COACH}


def _client_provider_ids(person: Any) -> set[int]:
    return set(
        ClientOrganisation.objects.filter(pk__in=client_ids(person)).values_list(
            "provider_id", flat=True
        )
    )


# The audiences a person holds depend on time (a subscription's access window, art.
# 7.2.2): `now` is the caller's; a page or an API call that reads no other rule passes none
# and gets the moment of the request.
def visible_items(person: Any, now: datetime | None = None) -> QuerySet[LibraryItem]:
    audience_items = LibraryItem.objects.filter(
        provider_id__in=_client_provider_ids(person),
        grants__audience__in=audiences_of(person, now or timezone.now()),
    ).values("pk")
    return LibraryItem.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) | Q(pk__in=audience_items)
    )


def visible_spaces(person: Any, now: datetime | None = None) -> QuerySet[Space]:
    """Staff see their provider's spaces except sessions' chats, which only the session's
    participants and coach see (the audience they hold)."""
    held = audiences_of(person, now or timezone.now())
    return Space.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) & ~Q(kind=SpaceKind.SESSION)
        | Q(provider_id__in=staff_provider_ids(person), kind=SpaceKind.SESSION, audience__in=held)
        | Q(provider_id__in=_client_provider_ids(person), audience__in=held)
    )


def visible_posts(person: Any, now: datetime | None = None) -> QuerySet[Post]:
    return Post.objects.filter(space__in=visible_spaces(person, now))


def visible_challenges(person: Any, now: datetime | None = None) -> QuerySet[Challenge]:
    """Staff see their provider's; client people those of their organisation's
    subscriptions whose access is open (art. 7.2.2, like the audiences)."""
    opened = [s.pk for s in open_subscriptions(person, now or timezone.now())]
    return Challenge.objects.filter(
        Q(provider_id__in=staff_provider_ids(person)) | Q(subscription_id__in=opened)
    )


def visible_submissions(person: Any) -> QuerySet[Submission]:
    """Staff see every answer; a client's admin those of the organisation; others their own."""
    return Submission.objects.filter(
        Q(challenge__provider_id__in=staff_provider_ids(person))
        | Q(challenge__subscription__client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
        | Q(author_id=getattr(person, "pk", None), challenge__in=visible_challenges(person))
    )


def visible_uploads(person: Any) -> QuerySet[Upload]:
    """A file is reachable through what it is attached to, never by itself."""
    return Upload.objects.filter(
        Q(provider_id__in=staff_provider_ids(person))
        | Q(library_items__in=visible_items(person))
        | Q(submissions__in=visible_submissions(person))
    ).distinct()


def manages(person: Any, provider_id: int) -> bool:
    return provider_id in staff_provider_ids(person, CONTENT_ROLES)


# The portal's menu (core.navigation): an entry shows when the person's providers have
# something of its kind (one query each, on the request's reach), so a hosting client or
# provider never sees the coaching content entries; what exactly the person may read is
# decided on the page. Staff add the first item, space or challenge in the back-office.
def menu_library(request: Any) -> bool:
    return LibraryItem.objects.filter(provider_id__in=request_reach(request).provider_ids).exists()


def menu_spaces(request: Any) -> bool:
    return Space.objects.filter(provider_id__in=request_reach(request).provider_ids).exists()


def menu_challenges(request: Any) -> bool:
    reach = request_reach(request)
    return Challenge.objects.filter(
        Q(provider_id__in=set(reach.staff)) | Q(subscription__client_id__in=reach.member_client_ids)
    ).exists()
