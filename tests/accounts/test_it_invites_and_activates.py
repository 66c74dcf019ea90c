"""Invitations (coaching contract art. 6.1): professional address, single-use expiring link."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from clausier.accounts import services
from clausier.accounts.errors import AccountsError, InvalidInvitation, NotAllowed
from clausier.accounts.models import Invitation, Membership, Person, Role
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage, OutboxStatus
from clausier.notify.services import deliver_due
from tests.helpers import (
    PASSWORD,
    activation_token,
    make_client,
    make_client_user,
    make_provider,
    make_staff,
)

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Tr3s-bon-mot-de-passe"


def invite_member(email: str = "lea@boulangerie.example", **kwargs):
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    invitation, token = services.invite(
        now=timezone.now(),
        actor=admin,
        provider=provider,
        client=client,
        email=email,
        role=Role.CLIENT_MEMBER,
        **kwargs,
    )
    return invitation, token, admin


def test_it_queues_an_invitation_email_with_the_activation_link(smtp_server):
    invitation, token, _admin = invite_member()
    message = OutboxMessage.objects.get(to_email="lea@boulangerie.example")
    assert message.template == "invitation"
    assert message.status == OutboxStatus.QUEUED
    # The stored body holds a placeholder, never the link (issue 9, finding 2).
    assert token not in message.body and "/invitation/" not in message.body
    assert message.sensitive
    assert invitation.token_hash != token and token not in invitation.token_hash

    assert deliver_due(timezone.now()) == {"sent": 1, "retrying": 0, "failed": 0}
    [received] = smtp_server.messages
    assert received["To"] == "lea@boulangerie.example"
    assert activation_token(received.get_content()) == token
    message.refresh_from_db()
    assert message.sealed_secrets == ""


def test_it_activates_the_account_once_and_only_once():
    _invitation, token, _admin = invite_member()
    person = services.accept_invitation(
        now=timezone.now(), token=token, password=NEW_PASSWORD, first_name="Léa"
    )
    assert person.check_password(NEW_PASSWORD)
    assert Membership.objects.get(person=person).role == Role.CLIENT_MEMBER
    assert AuditEntry.objects.filter(action="invitation.accepted").count() == 1
    with pytest.raises(InvalidInvitation, match="déjà été utilisé"):
        services.accept_invitation(now=timezone.now(), token=token, password=NEW_PASSWORD)
    assert Person.objects.filter(email="lea@boulangerie.example").count() == 1


def test_it_expires_after_seven_days_to_the_second():
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        _invitation, token, _admin = invite_member()
    just_before = start + timedelta(days=7) - timedelta(seconds=1)
    assert services.pending_invitation(token, just_before)
    with pytest.raises(InvalidInvitation, match="expiré"):
        services.pending_invitation(token, start + timedelta(days=7))
    with pytest.raises(InvalidInvitation, match="expiré"):
        services.accept_invitation(
            now=start + timedelta(days=8), token=token, password=NEW_PASSWORD
        )


def test_it_uses_the_configured_lifetime(settings):
    settings.INVITATION_TTL_DAYS = 2
    invitation, _token, _admin = invite_member()
    assert invitation.expires_at - invitation.created_at == timedelta(days=2)


@pytest.mark.parametrize("email", ["lea@gmail.com", "LEA@Hotmail.FR", "x@orange.fr"])
def test_it_refuses_free_webmail_addresses(email):
    with pytest.raises(AccountsError, match="messagerie gratuite") as excinfo:
        invite_member(email)
    assert excinfo.value.code == "not_professional_email"
    assert not Invitation.objects.exists()


def test_it_refuses_addresses_outside_the_organisation_domains():
    with pytest.raises(AccountsError, match="domaines de l'organisation"):
        invite_member("lea@concurrent.example")


def test_it_refuses_an_invalid_address():
    with pytest.raises(AccountsError, match="adresse e-mail valide"):
        invite_member("not an email")


def test_a_resend_invalidates_the_previous_link():
    invitation, old_token, admin = invite_member()
    new_token = services.resend_invitation(now=timezone.now(), actor=admin, invitation=invitation)
    assert new_token != old_token
    with pytest.raises(InvalidInvitation):
        services.pending_invitation(old_token, timezone.now())
    assert services.pending_invitation(new_token, timezone.now()).pk == invitation.pk
    keys = set(OutboxMessage.objects.values_list("idempotency_key", flat=True))
    assert keys == {f"invitation:{invitation.pk}:1", f"invitation:{invitation.pk}:2"}


def test_a_revoked_invitation_cannot_be_used():
    invitation, token, admin = invite_member()
    services.revoke_invitation(now=timezone.now(), actor=admin, invitation=invitation)
    with pytest.raises(InvalidInvitation, match="annulée"):
        services.accept_invitation(now=timezone.now(), token=token, password=NEW_PASSWORD)


def test_a_member_cannot_invite():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    member = make_client_user(client, Role.CLIENT_MEMBER)
    with pytest.raises(NotAllowed):
        services.invite(
            now=timezone.now(),
            actor=member,
            provider=provider,
            client=client,
            email="x@boulangerie.example",
            role=Role.CLIENT_MEMBER,
        )


def test_a_client_admin_cannot_invite_provider_staff():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    with pytest.raises(NotAllowed):
        services.invite(
            now=timezone.now(),
            actor=admin,
            provider=provider,
            email="new@kalanda.example",
            role=Role.ENGINEER,
        )


def test_an_owner_invites_an_engineer_who_gets_back_office_access():
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    _inv, token = services.invite(
        now=timezone.now(),
        actor=owner,
        provider=provider,
        email="oncall@kalanda.example",
        role=Role.ENGINEER,
    )
    person = services.accept_invitation(now=timezone.now(), token=token, password=NEW_PASSWORD)
    assert person.is_staff
    assert Membership.objects.get(person=person).client is None


def test_an_existing_person_joins_with_their_password():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    other_provider = make_provider("Kestio")
    other_client = make_client(other_provider, "Boulangerie", email_domains=["boulangerie.example"])
    other_admin = make_client_user(other_client, Role.CLIENT_ADMIN)
    _inv, token = services.invite(
        now=timezone.now(),
        actor=other_admin,
        provider=other_provider,
        client=other_client,
        email=admin.email.upper(),
        role=Role.CLIENT_MEMBER,
    )
    with pytest.raises(AccountsError, match="mot de passe"):
        services.accept_invitation(now=timezone.now(), token=token, password="wrong-password-1")
    person = services.accept_invitation(now=timezone.now(), token=token, password=PASSWORD)
    assert person.pk == admin.pk
    assert Membership.objects.filter(person=admin).count() == 2


def test_a_weak_password_is_refused_and_the_link_stays_usable():
    _invitation, token, _admin = invite_member()
    with pytest.raises(AccountsError) as excinfo:
        services.accept_invitation(now=timezone.now(), token=token, password="123")
    assert excinfo.value.code == "weak_password"
    assert services.accept_invitation(now=timezone.now(), token=token, password=NEW_PASSWORD)


def test_inviting_someone_already_in_the_organisation_is_refused():
    provider = make_provider()
    client = make_client(provider, "Boulangerie")
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    member = make_client_user(client, Role.CLIENT_MEMBER)
    with pytest.raises(AccountsError, match="déjà accès"):
        services.invite(
            now=timezone.now(),
            actor=admin,
            provider=provider,
            client=client,
            email=member.email,
            role=Role.CLIENT_MEMBER,
        )
