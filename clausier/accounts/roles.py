"""Who may grant which role, and the two workflows that grant or change one.

One table says which roles each role may hand out, so that a role never exceeds its
granter's: owners grant every role; other staff add client collaborators; a client's
admin adds collaborators and fellow admins of that client. Changing an existing role is
an owner's decision, and nobody changes their own. Invitations (`services.invite`) and
the back-office ask the same table, so neither door is wider than the other.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping, selectors
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import (
    CLIENT_ROLES,
    STAFF_ROLES,
    ClientOrganisation,
    Membership,
    Person,
    Provider,
    Role,
)
from clausier.core import audit

GRANTS: dict[str, frozenset[str]] = {
    Role.OWNER: frozenset(Role),
    Role.ENGINEER: frozenset({Role.CLIENT_MEMBER}),
    Role.COACH: frozenset({Role.CLIENT_MEMBER}),
    Role.ACCOUNTANT: frozenset({Role.CLIENT_MEMBER}),
    Role.CLIENT_ADMIN: frozenset({Role.CLIENT_ADMIN, Role.CLIENT_MEMBER}),
    Role.CLIENT_MEMBER: frozenset(),
}
# Who creates and edits client organisations (the API's CLIENT_EDITORS, the same set).
CLIENT_EDITORS = frozenset({Role.OWNER, Role.ACCOUNTANT})
# How far each role reaches: the provider's staff see every client, a client's admin
# one organisation, a member their own work. GRANTS never goes above the granter's rank.
RANK: dict[str, int] = {
    Role.OWNER: 3,
    Role.ENGINEER: 2,
    Role.COACH: 2,
    Role.ACCOUNTANT: 2,
    Role.CLIENT_ADMIN: 1,
    Role.CLIENT_MEMBER: 0,
}


def _side_roles(client: ClientOrganisation | None) -> frozenset[str]:
    return STAFF_ROLES if client is None else CLIENT_ROLES


def grantable_roles(
    actor: Person, provider: Provider, client: ClientOrganisation | None
) -> frozenset[str]:
    """The roles the actor may hand out at this provider (client None) or at this client."""
    side = _side_roles(client)
    if actor.is_superuser:
        return side
    held = scoping.roles_at(actor, provider.pk, client.pk if client else None)
    granted = frozenset().union(*(GRANTS[role] for role in held))
    return granted & side


def check_role_fits(role: str, client: ClientOrganisation | None) -> None:
    if client is None and role not in STAFF_ROLES:
        raise AccountsError(
            _("Rôle invalide pour le personnel du prestataire : %(role)s.") % {"role": role},
            "invalid_role",
        )
    if client is not None and role not in CLIENT_ROLES:
        raise AccountsError(
            _("Rôle invalide pour un collaborateur client : %(role)s.") % {"role": role},
            "invalid_role",
        )


def check_may_grant(
    actor: Person, provider: Provider, client: ClientOrganisation | None, role: str
) -> None:
    if client is not None and client.provider_id != provider.pk:
        raise NotAllowed(_("Cette organisation n'appartient pas à ce prestataire."))
    check_role_fits(role, client)
    if role not in grantable_roles(actor, provider, client):
        raise NotAllowed(
            _("Vous ne pouvez pas attribuer le rôle « %(role)s » ici.") % {"role": Role(role).label}
        )


def check_may_grant_membership(
    actor: Person,
    person: Person,
    provider: Provider,
    client: ClientOrganisation | None,
    role: str,
) -> None:
    check_may_grant(actor, provider, client, role)
    if person.pk == actor.pk and not actor.is_superuser:
        raise NotAllowed(_("Vous ne pouvez pas vous attribuer un rôle vous-même."))
    live = Membership.objects.filter(
        person=person, provider=provider, client=client, revoked_at__isnull=True
    )
    if live.exists():
        raise AccountsError(
            _("%(person)s a déjà un accès à cet espace.") % {"person": person.email},
            "already_member",
        )


def grant_membership(
    *,
    now: datetime,
    actor: Person,
    person: Person,
    provider: Provider,
    client: ClientOrganisation | None,
    role: str,
    ip_address: str | None = None,
) -> Membership:
    """Give an existing person a role (back-office); invitations remain the usual way."""
    check_may_grant_membership(actor, person, provider, client, role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                person=person, provider=provider, client=client, role=role, created_at=now
            )
            if membership.is_staff_side and not person.is_staff:
                person.is_staff = True
                person.save(update_fields=["is_staff"])
            audit.record(
                "membership.granted",
                membership,
                actor=actor,
                provider=provider,
                client=client,
                details={"person": person.email, "role": {"before": None, "after": role}},
                ip_address=ip_address,
            )
    except IntegrityError:
        # Two grants raced past the check above: the unique constraints kept one.
        raise AccountsError(
            _("%(person)s a déjà un accès à cet espace.") % {"person": person.email},
            "already_member",
        ) from None
    return membership


def check_may_change_role(actor: Person, membership: Membership, role: str) -> None:
    if not actor.is_superuser:
        if not selectors.visible_memberships(actor).filter(pk=membership.pk).exists():
            raise NotAllowed(_("Accès introuvable."))
        if membership.person_id == actor.pk:
            raise NotAllowed(_("Vous ne pouvez pas modifier votre propre accès."))
        if not scoping.is_owner_of(actor, membership.provider_id):
            raise NotAllowed(_("Seul un responsable du prestataire peut modifier un rôle."))
    if membership.revoked_at:
        raise AccountsError(_("Cet accès est révoqué."), "revoked")
    check_may_grant(actor, membership.provider, membership.client, role)


def change_role(
    *,
    now: datetime,
    actor: Person,
    membership: Membership,
    role: str,
    ip_address: str | None = None,
) -> Membership:
    """An owner changes someone else's role at their provider or one of its clients."""
    check_may_change_role(actor, membership, role)
    before = membership.role
    if role == before:
        return membership
    with transaction.atomic():
        # Conditional on the role read above: a concurrent change is not overwritten.
        changed = Membership.objects.filter(
            pk=membership.pk, role=before, revoked_at__isnull=True
        ).update(role=role)
        if changed != 1:
            raise AccountsError(
                _("Cet accès vient d'être modifié par ailleurs : rechargez la page."), "conflict"
            )
        membership.refresh_from_db()
        audit.record(
            "membership.role_changed",
            membership,
            actor=actor,
            provider=membership.provider,
            client=membership.client,
            details={"person": membership.person.email, "role": {"before": before, "after": role}},
            ip_address=ip_address,
        )
    return membership
