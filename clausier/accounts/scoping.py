"""Who sees what: the providers and clients a person reaches, and in which roles.

A person's reach is the union of their active memberships: staff see their providers'
data; client users see only their own organisation. Each app's `selectors.py` builds
its querysets for a person from these (`visible_invoices(person)`, ...): every query of
provider or client data goes through them.
"""

from __future__ import annotations

from typing import Any, cast

from clausier.accounts.models import (
    ClientOrganisation,
    Membership,
    MembershipQuerySet,
    Person,
    Role,
)
from clausier.accounts.reach import Reach, remembered_reach


def _active(person: Any) -> MembershipQuerySet:
    if not getattr(person, "is_authenticated", False):
        return cast(MembershipQuerySet, Membership.objects.none())
    return cast(MembershipQuerySet, Membership.objects.filter(person=person)).active()


def _known_reach(person: Any) -> Reach | None:
    """The live memberships already read for this request's person (accounts.reach:
    EmailBackend.get_user keeps them on the session's person), so that the selectors
    under every page do not read them again; None for any other person object."""
    return remembered_reach(person)


def staff_provider_ids(person: Any, roles: set[str] | None = None) -> set[int]:
    known = _known_reach(person)
    if known is not None:
        return known.staff_provider_ids(roles)
    memberships = _active(person).staff()
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return set(memberships.values_list("provider_id", flat=True))


def client_ids(person: Any, roles: set[str] | None = None) -> set[int]:
    known = _known_reach(person)
    if known is not None:
        return {c for c, held in known.clients.items() if roles is None or held & set(roles)}
    memberships = _active(person).client_side()
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return {cid for cid in memberships.values_list("client_id", flat=True) if cid is not None}


def has_active_membership(person: Person) -> bool:
    return _active(person).exists()


def roles_at(person: Any, provider_id: int, client_id: int | None = None) -> set[str]:
    """The person's live roles that bear on one provider's staff or one of its clients."""
    memberships = _active(person).filter(provider_id=provider_id)
    staff = set(memberships.staff().values_list("role", flat=True))
    if client_id is None:
        return staff
    return staff | set(memberships.filter(client_id=client_id).values_list("role", flat=True))


def is_owner_of(person: Any, provider_id: int) -> bool:
    return provider_id in staff_provider_ids(person, {Role.OWNER})


def can_manage_client(person: Any, client: ClientOrganisation) -> bool:
    """Whether this person may invite, suspend or revoke the client's members."""
    return client.provider_id in staff_provider_ids(person) or client.pk in client_ids(
        person, {Role.CLIENT_ADMIN}
    )
