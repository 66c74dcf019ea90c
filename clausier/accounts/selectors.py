"""The accounts rows a person may see, as querysets (the reach comes from `scoping`)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from clausier.accounts.models import (
    ApiToken,
    ClientOrganisation,
    Invitation,
    Membership,
    Provider,
    Role,
)
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.core.models import AuditEntry


def visible_providers(person: Any) -> QuerySet[Provider]:
    ids = staff_provider_ids(person)
    ids |= set(
        ClientOrganisation.objects.filter(pk__in=client_ids(person)).values_list(
            "provider_id", flat=True
        )
    )
    return Provider.objects.filter(pk__in=ids)


def visible_clients(person: Any) -> QuerySet[ClientOrganisation]:
    return ClientOrganisation.objects.filter(provider_id__in=staff_provider_ids(person)) | (
        ClientOrganisation.objects.filter(pk__in=client_ids(person))
    )


def member_clients(person: Any) -> QuerySet[ClientOrganisation]:
    """The organisations the person belongs to as a client user (not as staff)."""
    return ClientOrganisation.objects.filter(pk__in=client_ids(person))


def managed_clients(person: Any) -> QuerySet[ClientOrganisation]:
    """Clients whose members this person may invite, suspend or revoke."""
    return ClientOrganisation.objects.filter(provider_id__in=staff_provider_ids(person)) | (
        ClientOrganisation.objects.filter(pk__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_memberships(person: Any) -> QuerySet[Membership]:
    """Staff see every membership of their providers; client admins their organisation's."""
    return Membership.objects.filter(provider_id__in=staff_provider_ids(person)) | (
        Membership.objects.filter(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_invitations(person: Any) -> QuerySet[Invitation]:
    return Invitation.objects.filter(provider_id__in=staff_provider_ids(person)) | (
        Invitation.objects.filter(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def own_api_tokens(person: Any) -> QuerySet[ApiToken]:
    """A person's API tokens are theirs alone: nobody else lists or revokes them."""
    return ApiToken.objects.filter(person=person)


def visible_audit_entries(person: Any) -> QuerySet[AuditEntry]:
    """The audit log a person may read: their providers' entries, for staff only."""
    return AuditEntry.objects.filter(provider_id__in=staff_provider_ids(person))
