"""Providers, client organisations, members, invitations and the audit log.

Every object is fetched through the apps' selectors: what the caller may not see
answers 404, exactly like what does not exist.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts import scoping, selectors, services
from clausier.accounts.api.people import caller
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import ClientOrganisation, Invitation, Membership, Provider, Role
from clausier.accounts.schemas import (
    AuditOut,
    ClientIn,
    ClientOut,
    ClientPatch,
    InvitationIn,
    InvitationOut,
    MembershipOut,
    ProviderOut,
    ProviderPatch,
    SuspendIn,
)
from clausier.accounts.selectors import visible_audit_entries
from clausier.apikit.pagination import Page
from clausier.core import audit
from clausier.core.http import client_ip

router = Router(tags=["accounts"])

CLIENT_EDITORS: set[str] = {Role.OWNER.value, Role.ACCOUNTANT.value}


def _save_validated(obj: Any) -> None:
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError:
        raise AccountsError(_("Un objet du même nom existe déjà."), "duplicate") from None


# Providers ---------------------------------------------------------------------------

# Fields an explicit null clears (an individual business has no share capital).
NULLABLE_PROVIDER_FIELDS = frozenset({"share_capital"})


@router.get("/providers", response=list[ProviderOut])
@paginate(Page)
def list_providers(request: HttpRequest) -> Any:
    return selectors.visible_providers(caller(request))


@router.get("/providers/{provider_id}", response=ProviderOut)
def get_provider(request: HttpRequest, provider_id: int) -> Provider:
    return get_object_or_404(selectors.visible_providers(caller(request)), pk=provider_id)


@router.patch("/providers/{provider_id}", response=ProviderOut)
def update_provider(request: HttpRequest, provider_id: int, payload: ProviderPatch) -> Provider:
    person = caller(request)
    provider = get_object_or_404(selectors.visible_providers(person), pk=provider_id)
    if not scoping.is_owner_of(person, provider.pk):
        raise NotAllowed(_("Seul un responsable du prestataire peut modifier sa fiche."))
    changes = {
        k: v
        for k, v in payload.model_dump(exclude_unset=True).items()
        if v is not None or k in NULLABLE_PROVIDER_FIELDS
    }
    for name, value in changes.items():
        setattr(provider, name, value)
    _save_validated(provider)
    audit.record(
        "provider.updated",
        provider,
        actor=person,
        provider=provider,
        details={"fields": sorted(changes)},
        ip_address=client_ip(request),
    )
    return provider


# Client organisations ------------------------------------------------------------------


@router.get("/clients", response=list[ClientOut])
@paginate(Page)
def list_clients(request: HttpRequest) -> Any:
    return selectors.visible_clients(caller(request)).order_by("legal_name", "pk")


@router.post("/clients", response={201: ClientOut})
def create_client(request: HttpRequest, payload: ClientIn) -> Status[ClientOrganisation]:
    person = caller(request)
    if payload.provider_id not in scoping.staff_provider_ids(person, CLIENT_EDITORS):
        raise NotAllowed(
            _("Seuls le responsable et le comptable du prestataire créent des clients.")
        )
    client = ClientOrganisation(**payload.model_dump())
    _save_validated(client)
    audit.record(
        "client.created",
        client,
        actor=person,
        provider=client.provider,
        client=client,
        ip_address=client_ip(request),
    )
    return Status(201, client)


@router.get("/clients/{client_id}", response=ClientOut)
def get_client(request: HttpRequest, client_id: int) -> ClientOrganisation:
    return get_object_or_404(selectors.visible_clients(caller(request)), pk=client_id)


@router.patch("/clients/{client_id}", response=ClientOut)
def update_client(request: HttpRequest, client_id: int, payload: ClientPatch) -> ClientOrganisation:
    person = caller(request)
    client = get_object_or_404(selectors.visible_clients(person), pk=client_id)
    changes = {k: v for k, v in payload.model_dump(exclude_unset=True).items() if v is not None}
    return services.update_client(
        actor=person, client=client, changes=changes, ip_address=client_ip(request)
    )


@router.get("/clients/{client_id}/members", response=list[MembershipOut])
@paginate(Page)
def list_members(request: HttpRequest, client_id: int) -> Any:
    person = caller(request)
    client = get_object_or_404(selectors.visible_clients(person), pk=client_id)
    return (
        client.memberships.filter(revoked_at__isnull=True).select_related("person").order_by("pk")
    )


# Invitations -------------------------------------------------------------------------


def _invitation_out(invitation: Invitation) -> dict[str, Any]:
    data = {
        f: getattr(invitation, f)
        for f in (
            "id",
            "provider_id",
            "client_id",
            "email",
            "role",
            "language",
            "created_at",
            "expires_at",
            "sent_count",
        )
    }
    data["status"] = invitation.status(timezone.now())
    return data


@router.get("/invitations", response=list[InvitationOut])
@paginate(Page)
def list_invitations(request: HttpRequest) -> Any:
    return [
        _invitation_out(i)
        for i in selectors.visible_invitations(caller(request)).order_by("-created_at", "-pk")
    ]


@router.post("/invitations", response={201: InvitationOut})
def create_invitation(request: HttpRequest, payload: InvitationIn) -> Status[dict[str, Any]]:
    person = caller(request)
    client = None
    if payload.client_id is not None:
        client = get_object_or_404(selectors.visible_clients(person), pk=payload.client_id)
        provider = client.provider
    elif payload.provider_id is not None:
        provider = get_object_or_404(selectors.visible_providers(person), pk=payload.provider_id)
    else:
        raise AccountsError(
            _("Indiquez client_id (collaborateur) ou provider_id (personnel)."), "target_required"
        )
    invitation, _token = services.invite(
        now=timezone.now(),
        actor=person,
        provider=provider,
        client=client,
        email=payload.email,
        role=payload.role,
        language=payload.language,
        ip_address=client_ip(request),
    )
    return Status(201, _invitation_out(invitation))


@router.post("/invitations/{invitation_id}/resend", response=InvitationOut)
def resend_invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    person = caller(request)
    invitation = get_object_or_404(selectors.visible_invitations(person), pk=invitation_id)
    services.resend_invitation(
        now=timezone.now(), actor=person, invitation=invitation, ip_address=client_ip(request)
    )
    invitation.refresh_from_db()
    return _invitation_out(invitation)


@router.post("/invitations/{invitation_id}/revoke", response=InvitationOut)
def revoke_invitation(request: HttpRequest, invitation_id: int) -> dict[str, Any]:
    person = caller(request)
    invitation = get_object_or_404(selectors.visible_invitations(person), pk=invitation_id)
    services.revoke_invitation(
        now=timezone.now(), actor=person, invitation=invitation, ip_address=client_ip(request)
    )
    invitation.refresh_from_db()
    return _invitation_out(invitation)


# Memberships -------------------------------------------------------------------------


def _membership(request: HttpRequest, membership_id: int) -> Membership:
    return get_object_or_404(
        selectors.visible_memberships(caller(request)).select_related(
            "person", "provider", "client"
        ),
        pk=membership_id,
    )


@router.post("/memberships/{membership_id}/suspend", response=MembershipOut)
def suspend_membership(request: HttpRequest, membership_id: int, payload: SuspendIn) -> Membership:
    membership = _membership(request, membership_id)
    return services.suspend(
        now=timezone.now(),
        actor=caller(request),
        membership=membership,
        reason=payload.reason,
        ip_address=client_ip(request),
    )


@router.post("/memberships/{membership_id}/reinstate", response=MembershipOut)
def reinstate_membership(request: HttpRequest, membership_id: int) -> Membership:
    membership = _membership(request, membership_id)
    return services.reinstate(
        now=timezone.now(),
        actor=caller(request),
        membership=membership,
        ip_address=client_ip(request),
    )


@router.post("/memberships/{membership_id}/revoke", response={204: None})
def revoke_membership(request: HttpRequest, membership_id: int) -> Status[None]:
    membership = _membership(request, membership_id)
    services.revoke_membership(
        now=timezone.now(),
        actor=caller(request),
        membership=membership,
        ip_address=client_ip(request),
    )
    return Status(204, None)


# Staff views: the audit log (the outbox is notify's: notify/api.py) ----------------------


@router.get("/audit", response=list[AuditOut])
@paginate(Page)
def list_audit(
    request: HttpRequest, action: str | None = None, object_type: str | None = None
) -> Any:
    entries = visible_audit_entries(caller(request)).select_related("actor")
    if action:
        entries = entries.filter(action=action)
    if object_type:
        entries = entries.filter(object_type=object_type)
    return entries
