"""One table (accounts.roles.GRANTS) says who hands out which role; invitations and the
back-office both ask it, so neither door grants more than the other."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from clausier.accounts import roles, services
from clausier.accounts.api.organisations import CLIENT_EDITORS
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import Membership, Role
from clausier.core.models import AuditEntry
from tests.helpers import make_client, make_client_user, make_provider, make_staff, membership_of

pytestmark = pytest.mark.django_db


@pytest.mark.django_db(False)
def test_no_role_grants_above_its_own_rank():
    assert set(roles.GRANTS) == set(Role) == set(roles.RANK)
    for granter, granted in roles.GRANTS.items():
        assert all(roles.RANK[role] <= roles.RANK[granter] for role in granted), granter


@pytest.mark.django_db(False)
def test_the_back_office_and_the_api_name_the_same_client_editors():
    assert set(roles.CLIENT_EDITORS) == CLIENT_EDITORS


def invite(actor, client, role, email="nouveau@boulangerie.example"):
    return services.invite(
        now=timezone.now(),
        actor=actor,
        provider=client.provider,
        client=client,
        email=email,
        role=role,
    )


@pytest.mark.parametrize("staff_role", [Role.ENGINEER, Role.COACH, Role.ACCOUNTANT])
def test_staff_who_are_not_owners_invite_collaborators_but_not_client_admins(staff_role):
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    staff = make_staff(provider, staff_role)
    with pytest.raises(NotAllowed):
        invite(staff, client, Role.CLIENT_ADMIN)
    invitation, _token = invite(staff, client, Role.CLIENT_MEMBER)
    assert invitation.role == Role.CLIENT_MEMBER


def test_owners_and_client_admins_invite_client_admins():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    owner = make_staff(provider, Role.OWNER)
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    assert invite(owner, client, Role.CLIENT_ADMIN)[0].role == Role.CLIENT_ADMIN
    second = invite(admin, client, Role.CLIENT_ADMIN, "autre@boulangerie.example")[0]
    assert second.role == Role.CLIENT_ADMIN
    member = make_client_user(client, Role.CLIENT_MEMBER)
    with pytest.raises(NotAllowed):
        invite(member, client, Role.CLIENT_MEMBER, "tiers@boulangerie.example")


def test_the_api_refuses_an_engineer_inviting_a_client_admin(client):
    provider = make_provider()
    organisation = make_client(provider, "Boulangerie")
    engineer = make_staff(provider, Role.ENGINEER)
    _token, secret = services.create_api_token(now=timezone.now(), person=engineer, name="t")
    response = client.post(
        "/api/invitations",
        data=json.dumps(
            {"client_id": organisation.pk, "email": "chef@boulangerie.example", "role": "admin"}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403


def test_only_an_owner_changes_a_role_and_never_their_own():
    provider = make_provider()
    owner, engineer = make_staff(provider, Role.OWNER), make_staff(provider, Role.ENGINEER)
    member = membership_of(make_client_user(make_client(provider, "Boulangerie")))
    now = timezone.now()
    with pytest.raises(NotAllowed):
        roles.change_role(now=now, actor=engineer, membership=member, role=Role.CLIENT_ADMIN)
    with pytest.raises(NotAllowed):
        roles.change_role(now=now, actor=owner, membership=membership_of(owner), role=Role.ENGINEER)
    with pytest.raises(AccountsError):
        roles.change_role(now=now, actor=owner, membership=member, role=Role.OWNER)
    changed = roles.change_role(now=now, actor=owner, membership=member, role=Role.CLIENT_ADMIN)
    assert changed.role == Role.CLIENT_ADMIN
    assert AuditEntry.objects.get(action="membership.role_changed").details["role"] == {
        "before": "member",
        "after": "admin",
    }


def test_a_role_changed_meanwhile_is_not_overwritten():
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    other_owner = make_staff(provider, Role.OWNER)
    engineer = make_staff(provider, Role.ENGINEER)
    seen_by_first = membership_of(engineer)
    now = timezone.now()
    roles.change_role(
        now=now, actor=other_owner, membership=membership_of(engineer), role=Role.ACCOUNTANT
    )
    with pytest.raises(AccountsError) as refused:
        roles.change_role(now=now, actor=owner, membership=seen_by_first, role=Role.COACH)
    assert refused.value.code == "conflict"
    assert Membership.objects.get(pk=seen_by_first.pk).role == Role.ACCOUNTANT


def test_a_superuser_grants_what_no_membership_would_allow():
    provider = make_provider()
    root = make_staff(make_provider("Plateforme"), Role.OWNER)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    person = make_client_user(make_client(provider, "Boulangerie"))
    granted = roles.grant_membership(
        now=timezone.now(), actor=root, person=person, provider=provider, client=None, role="owner"
    )
    assert granted.role == Role.OWNER
    person.refresh_from_db()
    assert person.is_staff
