"""Finding 1 (issue 9): nobody raises their own role in the back-office, only an owner
changes a role, and a role never exceeds the granter's."""

from __future__ import annotations

import pytest

from clausier.accounts.models import Membership, Role
from clausier.core.models import AuditEntry
from tests.admin.world import ROLES, admin_url, build_back_office
from tests.helpers import make_staff

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/accounts/membership/add/"
# The role each one would like: staff want owner, client users want more of the client.
WANTED = {
    Role.OWNER: Role.ENGINEER,  # even a self-demotion: one's own access is not one's to change
    Role.ENGINEER: Role.OWNER,
    Role.COACH: Role.OWNER,
    Role.ACCOUNTANT: Role.OWNER,
    Role.CLIENT_ADMIN: Role.OWNER,
    Role.CLIENT_MEMBER: Role.CLIENT_ADMIN,
}


def role_changes() -> int:
    return (
        AuditEntry.objects.filter(action__startswith="membership.")
        .exclude(action="membership.suspended")
        .count()
    )


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_everyone_a_change_of_their_own_role(client, role):
    office = build_back_office()
    own = office.membership(role)
    before = role_changes()
    client.force_login(office.by_role[role])
    response = client.post(admin_url(own, "change"), {"role": WANTED[role]})
    assert response.status_code in (302, 403)
    own.refresh_from_db()
    assert own.role == role
    assert role_changes() == before


@pytest.mark.parametrize("role", ROLES)
def test_it_refuses_everyone_an_owner_membership_granted_to_themselves(client, role):
    office = build_back_office()
    me = office.by_role[role]
    client.force_login(me)
    client.post(
        ADD_URL,
        {"person": me.pk, "provider": office.world.provider_a.pk, "client": "", "role": "owner"},
    )
    assert (
        not Membership.objects.filter(person=me, role=Role.OWNER, client__isnull=True)
        .exclude(pk=office.membership(Role.OWNER).pk)
        .exists()
    )


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.COACH, Role.ACCOUNTANT])
def test_staff_other_than_the_owner_cannot_make_a_member_a_client_admin(client, role):
    office = build_back_office()
    member = office.membership(Role.CLIENT_MEMBER)
    client.force_login(office.by_role[role])
    response = client.post(admin_url(member, "change"), {"role": Role.CLIENT_ADMIN})
    assert response.status_code == 403
    member.refresh_from_db()
    assert member.role == Role.CLIENT_MEMBER


@pytest.mark.parametrize("role", [Role.ENGINEER, Role.COACH, Role.ACCOUNTANT])
def test_the_add_form_gives_no_staff_role_and_no_client_admin_to_non_owners(client, role):
    office = build_back_office()
    world = office.world
    member = office.by_role[Role.CLIENT_MEMBER]
    client.force_login(office.by_role[role])
    staff_side = {"person": member.pk, "provider": world.provider_a.pk, "client": ""}
    as_owner = client.post(ADD_URL, {**staff_side, "role": "owner"})
    assert as_owner.status_code == 200
    assert "Vous ne pouvez pas attribuer le rôle" in as_owner.content.decode()
    as_admin = client.post(
        ADD_URL,
        {
            "person": member.pk,
            "provider": world.provider_a.pk,
            "client": world.client_a2.pk,
            "role": "admin",
        },
    )
    assert as_admin.status_code == 200
    assert Membership.objects.filter(person=member).count() == 1
    # What they may grant, they do: a collaborator at another client of the provider.
    as_member = client.post(
        ADD_URL,
        {
            "person": member.pk,
            "provider": world.provider_a.pk,
            "client": world.client_a2.pk,
            "role": "member",
        },
    )
    assert as_member.status_code == 302
    assert Membership.objects.get(person=member, client=world.client_a2).role == "member"


def test_the_add_form_refuses_a_client_that_is_not_the_providers(client):
    office = build_back_office()
    world = office.world
    client.force_login(office.by_role[Role.OWNER])
    response = client.post(
        ADD_URL,
        {
            "person": office.by_role[Role.CLIENT_MEMBER].pk,
            "provider": world.provider_a.pk,
            "client": world.client_b1.pk,
            "role": "member",
        },
    )
    assert response.status_code == 200
    assert not Membership.objects.filter(client=world.client_b1, person__email__contains="secret")


def test_the_owner_cannot_give_a_staff_membership_a_client_role(client):
    office = build_back_office()
    engineer = office.membership(Role.ENGINEER)
    client.force_login(office.by_role[Role.OWNER])
    response = client.post(admin_url(engineer, "change"), {"role": Role.CLIENT_ADMIN})
    assert response.status_code == 200
    assert 'class="errorlist' in response.content.decode()
    assert '<option value="admin"' not in response.content.decode()
    engineer.refresh_from_db()
    assert engineer.role == Role.ENGINEER


def test_an_owner_elsewhere_is_only_an_engineer_here(client):
    """Write rights follow the role at the object's provider, not the best role anywhere."""
    office = build_back_office()
    world = office.world
    owner_b = world.people["owner_b"]
    Membership.objects.create(person=owner_b, provider=world.provider_a, role=Role.ENGINEER)
    target = office.membership(Role.CLIENT_MEMBER)
    client.force_login(owner_b)
    assert client.post(admin_url(target, "change"), {"role": "admin"}).status_code == 403
    url = admin_url(world.client_a1, "change")
    assert client.post(url, {"legal_name": "pwned"}).status_code == 403
    target.refresh_from_db()
    world.client_a1.refresh_from_db()
    assert target.role == Role.CLIENT_MEMBER
    assert world.client_a1.legal_name.startswith("SECRET-A1")


def test_the_owner_changes_someone_elses_role(client):
    office = build_back_office()
    coach = office.membership(Role.COACH)
    client.force_login(office.by_role[Role.OWNER])
    assert client.post(admin_url(coach, "change"), {"role": Role.ENGINEER}).status_code == 302
    coach.refresh_from_db()
    assert coach.role == Role.ENGINEER


def test_a_new_owner_granted_by_a_coach_of_another_provider_is_refused(client):
    office = build_back_office()
    world = office.world
    coach_b = make_staff(world.provider_b, Role.COACH)
    client.force_login(coach_b)
    response = client.post(
        ADD_URL,
        {"person": coach_b.pk, "provider": world.provider_a.pk, "client": "", "role": "owner"},
    )
    assert response.status_code == 200  # provider A is not among the choices
    assert not Membership.objects.filter(person=coach_b, provider=world.provider_a).exists()
