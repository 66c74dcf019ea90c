"""The done-criterion of the foundation: an invitation sent from the portal reaches a
real SMTP server, and its link activates the account once and only once."""

from __future__ import annotations

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Person, Role
from clausier.notify.models import OutboxMessage
from clausier.notify.services import body_to_send, deliver_due
from tests.helpers import PASSWORD, activation_token, make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db


def test_an_invitation_from_the_portal_activates_once(client, smtp_server):
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    assert (
        client.post("/connexion/", {"email": admin.email, "password": PASSWORD}).status_code == 302
    )

    response = client.post(
        f"/organisations/{org.pk}/membres/",
        {"email": "Nouveau@Boulangerie.example", "role": "member", "language": "fr"},
    )
    assert response.status_code == 302
    page = client.get(f"/organisations/{org.pk}/membres/").content.decode()
    assert "nouveau@boulangerie.example" in page

    deliver_due(timezone.now())
    [mail] = smtp_server.messages
    assert mail["To"] == "nouveau@boulangerie.example"
    token = activation_token(mail.get_content())

    client.post("/deconnexion/")
    form = client.get(f"/invitation/{token}/")
    assert form.status_code == 200
    activated = client.post(
        f"/invitation/{token}/",
        {
            "first_name": "Nina",
            "last_name": "Roux",
            "password": "Un-mot-de-passe-42",
            "password_confirm": "Un-mot-de-passe-42",
        },
    )
    assert activated.status_code == 302
    person = Person.objects.get(email="nouveau@boulangerie.example")
    assert Membership.objects.get(person=person).client == org

    client.post("/deconnexion/")
    again = client.get(f"/invitation/{token}/")
    assert again.status_code == 410
    assert "déjà été utilisé" in again.content.decode()
    replay = client.post(
        f"/invitation/{token}/",
        {"password": "Autre-mot-de-passe-42", "password_confirm": "Autre-mot-de-passe-42"},
    )
    assert replay.status_code == 410
    person.refresh_from_db()
    assert person.check_password("Un-mot-de-passe-42")


def test_a_webmail_address_is_refused_on_the_page_with_a_clear_message(client):
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    client.force_login(admin)
    response = client.post(
        f"/organisations/{org.pk}/membres/",
        {"email": "nina@gmail.com", "role": "member", "language": "fr"},
    )
    assert response.status_code == 400
    assert "messagerie gratuite" in response.content.decode()


def test_mismatched_passwords_keep_the_link_usable(client):
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    client.force_login(admin)
    client.post(
        f"/organisations/{org.pk}/membres/",
        {"email": "nina@boulangerie.example", "role": "member", "language": "fr"},
    )
    token = activation_token(body_to_send(OutboxMessage.objects.get()))
    client.post("/deconnexion/")
    response = client.post(
        f"/invitation/{token}/", {"password": "Un-mot-de-passe-42", "password_confirm": "autre"}
    )
    assert response.status_code == 400
    assert client.get(f"/invitation/{token}/").status_code == 200


def test_an_unknown_link_says_so(client):
    response = client.get("/invitation/nope/")
    assert response.status_code == 410
    assert "pas valide" in response.content.decode()


def test_the_admin_resends_and_revokes_from_the_page(client):
    provider = make_provider()
    org = make_client(provider, "Boulangerie")
    admin = make_client_user(org, Role.CLIENT_ADMIN)
    client.force_login(admin)
    client.post(
        f"/organisations/{org.pk}/membres/",
        {"email": "nina@boulangerie.example", "role": "member", "language": "de"},
    )
    invitation = org.invitations.get()
    assert (
        client.post(f"/organisations/{org.pk}/invitations/{invitation.pk}/resend/").status_code
        == 302
    )
    invitation.refresh_from_db()
    assert invitation.sent_count == 2
    assert (
        client.post(f"/organisations/{org.pk}/invitations/{invitation.pk}/revoke/").status_code
        == 302
    )
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
