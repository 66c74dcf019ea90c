"""Which home and which menu a person gets: their live roles, read once per request.

The portal shows three kinds of people different things (issue 16): a client
administrator (what needs action, invoices, subscriptions), a collaborator (their own
things; invoices are their administrator's business) and provider staff (owner,
accountant, engineer, coach). A person may hold several memberships; the kind is the
highest of them: staff, then client administrator, then collaborator.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from clausier.accounts.models import Membership, Role
from clausier.billing.roles import BILLING_ROLES

STAFF = "staff"
CLIENT_ADMIN = "client_admin"
COLLABORATOR = "collaborator"

_CACHE_ATTRIBUTE = "_clausier_reach"


@dataclass(frozen=True)
class Reach:
    # provider id -> the person's staff roles there; client id -> their roles at that client.
    staff: dict[int, frozenset[str]] = field(default_factory=dict)
    clients: dict[int, frozenset[str]] = field(default_factory=dict)

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
    def billing_provider_ids(self) -> set[int]:
        return self.staff_provider_ids(BILLING_ROLES)

    @property
    def owner_provider_ids(self) -> set[int]:
        return self.staff_provider_ids({Role.OWNER})

    @property
    def sees_billing(self) -> bool:
        return bool(self.admin_client_ids or self.billing_provider_ids)


def reach_of(person: Any) -> Reach:
    """One query over the person's live memberships."""
    if not getattr(person, "is_authenticated", False):
        return Reach()
    staff: dict[int, set[str]] = {}
    clients: dict[int, set[str]] = {}
    rows = (
        Membership.objects.filter(person=person)
        .active()
        .values_list("role", "provider_id", "client_id")
    )
    for role, provider_id, client_id in rows:
        if client_id is None:
            staff.setdefault(provider_id, set()).add(role)
        else:
            clients.setdefault(client_id, set()).add(role)
    return Reach(
        staff={k: frozenset(v) for k, v in staff.items()},
        clients={k: frozenset(v) for k, v in clients.items()},
    )


def request_reach(request: HttpRequest) -> Reach:
    """The request's person's reach, computed once and kept on the request."""
    cached = getattr(request, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = reach_of(request.user)
        setattr(request, _CACHE_ATTRIBUTE, cached)
    return cached
