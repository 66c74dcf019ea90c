"""A person's live roles, read in one query and kept on the request.

The portal's home and menu, and every app's menu predicate (core.navigation), ask the
same questions on every page (is this person staff, of which providers, a client
administrator, of which clients, of which providers are those clients): they read this
once per request instead of querying the memberships each. A person may hold several
memberships; their kind is the highest: staff, then client administrator, then
collaborator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from clausier.accounts.models import Membership, Role
from clausier.core.prepared import INT, Prepared

STAFF = "staff"
CLIENT_ADMIN = "client_admin"
COLLABORATOR = "collaborator"

_CACHE_ATTRIBUTE = "_clausier_reach"
_PERSON_ATTRIBUTE = "_clausier_reach"


@dataclass(frozen=True)
class Reach:
    # provider id -> the person's staff roles there; client id -> their roles at that client.
    staff: dict[int, frozenset[str]] = field(default_factory=dict)
    clients: dict[int, frozenset[str]] = field(default_factory=dict)
    # client id -> its provider id.
    client_providers: dict[int, int] = field(default_factory=dict)

    @property
    def kind(self) -> str | None:
        if self.staff:
            return STAFF
        if self.admin_client_ids:
            return CLIENT_ADMIN
        if self.clients:
            return COLLABORATOR
        return None

    @property
    def admin_client_ids(self) -> set[int]:
        return {cid for cid, roles in self.clients.items() if Role.CLIENT_ADMIN in roles}

    @property
    def member_client_ids(self) -> set[int]:
        return set(self.clients)

    def staff_provider_ids(self, roles: set[str] | frozenset[str] | None = None) -> set[int]:
        return {pid for pid, held in self.staff.items() if roles is None or held & frozenset(roles)}

    @property
    def owner_provider_ids(self) -> set[int]:
        return self.staff_provider_ids({Role.OWNER})

    @property
    def client_provider_ids(self) -> set[int]:
        """The providers of the clients the person belongs to."""
        return set(self.client_providers.values())

    @property
    def provider_ids(self) -> set[int]:
        """Every provider the person reaches, as staff or through a client."""
        return set(self.staff) | self.client_provider_ids


# Read on every signed-in request: compiled once (core.prepared).
_LIVE_MEMBERSHIPS = Prepared(
    lambda person_id: (
        Membership.objects.filter(person_id=person_id)
        .active()
        # No ordering: Membership's default one joins three tables for nothing here.
        .order_by()
        .values_list("role", "provider_id", "client_id")
    ),
    INT,
)


def reach_of(person: Any) -> Reach:
    """One query over the person's live memberships.

    The session's person comes with it: `EmailBackend.get_user` reads it to decide whether
    the person may still be signed in and keeps it on the person (`_PERSON_ATTRIBUTE`),
    so a signed-in request reads the memberships once, not twice."""
    if not getattr(person, "is_authenticated", False):
        return Reach()
    known = remembered_reach(person)
    if known is not None:
        return known
    staff: dict[int, set[str]] = {}
    clients: dict[int, set[str]] = {}
    client_providers: dict[int, int] = {}
    for role, provider_id, client_id in _LIVE_MEMBERSHIPS.rows(person.pk):
        if client_id is None:
            staff.setdefault(provider_id, set()).add(role)
        else:
            clients.setdefault(client_id, set()).add(role)
            client_providers[client_id] = provider_id
    return Reach(
        staff={k: frozenset(v) for k, v in staff.items()},
        clients={k: frozenset(v) for k, v in clients.items()},
        client_providers=client_providers,
    )


def remember_reach(person: Any, reach: Reach) -> None:
    """Keep `reach` on the person object: reach_of(person) answers it without a query.
    Only for the object read for this request (EmailBackend.get_user)."""
    setattr(person, _PERSON_ATTRIBUTE, reach)


def remembered_reach(person: Any) -> Reach | None:
    """The reach `remember_reach` kept on this person object, if any."""
    return getattr(person, _PERSON_ATTRIBUTE, None)


def request_reach(request: HttpRequest) -> Reach:
    """The request's person's reach, computed once and kept on the request."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = reach_of(request.user)
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached
