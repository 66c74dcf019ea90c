"""Suspension for shared credentials (coaching contract art. 7.1)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.errors import AccountsError, NotAllowed
from clausier.accounts.models import Role
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from tests.helpers import (
    PASSWORD,
    make_client,
    make_client_user,
    make_provider,
    make_staff,
    membership_of,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    return {
        "owner": make_staff(provider, Role.OWNER),
        "engineer": make_staff(provider, Role.ENGINEER),
        "admin": make_client_user(client, Role.CLIENT_ADMIN),
        "member": make_client_user(client, Role.CLIENT_MEMBER),
    }


def login(client, person):
    return client.post("/connexion/", {"email": person.email, "password": PASSWORD})


def test_a_suspended_person_cannot_log_in(client, people):
    member = people["member"]
    services.suspend(
        now=timezone.now(),
        actor=people["engineer"],
        membership=membership_of(member),
        reason="Identifiants partagés",
    )
    response = login(client, member)
    assert response.status_code == 400
    assert "incorrect" in response.content.decode()


def test_a_suspended_person_is_logged_out_of_an_open_session(client, people):
    member = people["member"]
    assert login(client, member).status_code == 302
    assert client.get("/profil/").status_code == 200
    services.suspend(
        now=timezone.now(),
        actor=people["owner"],
        membership=membership_of(member),
        reason="Partage constaté",
    )
    assert client.get("/profil/").status_code == 302


def test_a_suspended_person_cannot_use_the_api(client, people):
    member = people["member"]
    _token, secret = services.create_api_token(now=timezone.now(), person=member, name="script")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    assert client.get("/api/me", **auth).status_code == 200
    services.suspend(
        now=timezone.now(),
        actor=people["owner"],
        membership=membership_of(member),
        reason="Partage",
    )
    assert client.get("/api/me", **auth).status_code == 401


def test_suspension_is_audited_and_notified_with_its_reason(people):
    member = people["member"]
    services.suspend(
        now=timezone.now(),
        actor=people["owner"],
        membership=membership_of(member),
        reason="Partage constaté",
    )
    entry = AuditEntry.objects.get(action="membership.suspended")
    assert entry.actor == people["owner"]
    assert entry.details["reason"] == "Partage constaté"
    assert "7.1" in entry.details["clause"]
    message = OutboxMessage.objects.get(template="access_suspended")
    assert "Partage constaté" in message.body


def test_reinstating_restores_access(client, people):
    member = people["member"]
    membership = membership_of(member)
    services.suspend(
        now=timezone.now(), actor=people["owner"], membership=membership, reason="Partage"
    )
    services.reinstate(now=timezone.now(), actor=people["owner"], membership=membership)
    assert login(client, member).status_code == 302


def test_a_reason_is_required(people):
    with pytest.raises(AccountsError, match="motif"):
        services.suspend(
            now=timezone.now(),
            actor=people["owner"],
            membership=membership_of(people["member"]),
            reason="  ",
        )


def test_a_client_admin_cannot_suspend(people):
    with pytest.raises(NotAllowed):
        services.suspend(
            now=timezone.now(),
            actor=people["admin"],
            membership=membership_of(people["member"]),
            reason="x",
        )


def test_staff_of_another_provider_cannot_suspend(people):
    stranger = make_staff(make_provider("Autre"), Role.OWNER)
    with pytest.raises(NotAllowed):
        services.suspend(
            now=timezone.now(),
            actor=stranger,
            membership=membership_of(people["member"]),
            reason="x",
        )


def test_an_engineer_cannot_suspend_the_owner(people):
    with pytest.raises(NotAllowed):
        services.suspend(
            now=timezone.now(),
            actor=people["engineer"],
            membership=membership_of(people["owner"]),
            reason="x",
        )


def test_a_revoked_member_cannot_log_in(client, people):
    member = people["member"]
    services.revoke_membership(
        now=timezone.now(), actor=people["admin"], membership=membership_of(member)
    )
    assert login(client, member).status_code == 400
