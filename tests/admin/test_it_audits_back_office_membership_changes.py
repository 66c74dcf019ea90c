"""Finding 1 (issue 9): every grant, role change, suspension and end of access made in the
back-office is in the provider's audit log — who, what, before and after — as the API's."""

from __future__ import annotations

import pytest

from clausier.accounts.models import Membership, Role
from clausier.core.models import AuditEntry
from tests.admin.world import admin_url, build_back_office

pytestmark = pytest.mark.django_db
LIST_URL = "/admin/accounts/membership/"


def entry(action: str) -> AuditEntry:
    return AuditEntry.objects.get(action=action)


def test_a_role_change_is_logged_with_before_and_after(client):
    office = build_back_office()
    owner = office.by_role[Role.OWNER]
    member = office.membership(Role.CLIENT_MEMBER)
    client.force_login(owner)
    client.post(admin_url(member, "change"), {"role": Role.CLIENT_ADMIN})
    logged = entry("membership.role_changed")
    assert (logged.actor, logged.provider, logged.client) == (
        owner,
        office.world.provider_a,
        office.world.client_a1,
    )
    assert logged.object_id == str(member.pk)
    assert logged.details["role"] == {"before": "member", "after": "admin"}
    assert logged.ip_address == "127.0.0.1"


def test_a_grant_is_logged_and_a_staff_grant_opens_the_back_office(client):
    office = build_back_office()
    world = office.world
    newcomer = world.people["admin_a2"]
    assert not newcomer.is_staff
    client.force_login(office.by_role[Role.OWNER])
    response = client.post(
        "/admin/accounts/membership/add/",
        {"person": newcomer.pk, "provider": world.provider_a.pk, "client": "", "role": "coach"},
    )
    assert response.status_code == 302
    granted = Membership.objects.get(person=newcomer, client__isnull=True)
    logged = entry("membership.granted")
    assert logged.object_id == str(granted.pk)
    assert logged.details["role"] == {"before": None, "after": "coach"}
    assert logged.actor == office.by_role[Role.OWNER]
    newcomer.refresh_from_db()
    assert newcomer.is_staff
    client.force_login(newcomer)
    assert client.get("/admin/").status_code == 200


def test_suspension_reinstatement_and_end_of_access_are_logged(client):
    office = build_back_office()
    engineer, owner = office.by_role[Role.ENGINEER], office.by_role[Role.OWNER]
    member = office.membership(Role.CLIENT_MEMBER)
    client.force_login(engineer)
    picked = {"_selected_action": [member.pk]}
    client.post(
        LIST_URL, {"action": "suspend_access", **picked, "confirm": "yes", "reason": "Partage"}
    )
    client.post(LIST_URL, {"action": "reinstate_access", **picked})
    client.force_login(owner)
    page = client.post(LIST_URL, {"action": "revoke_access", **picked})
    assert page.status_code == 200 and "prend fin" in page.content.decode()
    client.post(LIST_URL, {"action": "revoke_access", **picked, "confirm": "yes"})
    member.refresh_from_db()
    assert member.revoked_at is not None
    assert entry("membership.suspended").actor == engineer
    assert entry("membership.suspended").details["reason"] == "Partage"
    assert entry("membership.reinstated").actor == engineer
    assert entry("membership.revoked").actor == owner
    assert {
        e.provider
        for e in AuditEntry.objects.filter(
            object_type="accounts.membership", object_id=str(member.pk)
        )
    } == {office.world.provider_a}


def test_a_client_edited_in_the_back_office_is_logged_like_the_apis(client):
    office = build_back_office()
    accountant = office.by_role[Role.ACCOUNTANT]
    client_a1 = office.world.client_a1
    client.force_login(accountant)
    response = client.post(
        admin_url(client_a1, "change"),
        {
            "provider": client_a1.provider_id,
            "legal_name": client_a1.legal_name,
            "address_line1": client_a1.address_line1,
            "postal_code": client_a1.postal_code,
            "city": "Nantes",
            "country": "FR",
            "email_domains": '["boulangerie.example"]',
            "billing_language": "fr",
            "kind": "company",
            "created_at_0": "2026-01-01",
            "created_at_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    logged = entry("client.updated")
    assert logged.actor == accountant and logged.client == client_a1
    assert "city" in logged.details["fields"]
