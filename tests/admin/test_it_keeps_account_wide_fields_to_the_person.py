"""Finding 5 (issue 9): one provider's staff cannot lock a person out everywhere.

Active, name, e-mail, language and password belong to the person, who may work with
several providers; a provider suspends or ends its own membership instead.
"""

from __future__ import annotations

import pytest

from clausier.accounts.models import Membership, Role
from clausier.accounts.services import may_log_in
from clausier.core.models import AuditEntry
from tests.admin.world import admin_url
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db


def two_providers():
    kalanda, kestio = make_provider("Kalanda"), make_provider("Kestio")
    owner = make_staff(kalanda, Role.OWNER)
    person = make_client_user(make_client(kalanda, "Boulangerie"), email="lea@boulangerie.example")
    Membership.objects.create(person=person, provider=kestio, role=Role.ENGINEER)
    return kalanda, kestio, owner, person


def test_another_providers_owner_cannot_deactivate_or_rename_the_person(client):
    _kalanda, kestio, owner, person = two_providers()
    client.force_login(owner)
    assert client.get(admin_url(person, "change")).status_code == 200  # read-only view
    response = client.post(
        admin_url(person, "change"),
        {"first_name": "Pwned", "last_name": "", "language": "de", "is_active": ""},
    )
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.is_active and person.first_name == "" and person.language == "fr"
    assert client.login(username=person.email, password=PASSWORD)
    assert kestio.pk in {m.provider_id for m in person.memberships.active()}


def test_the_provider_ends_its_own_membership_only(client):
    kalanda, kestio, owner, person = two_providers()
    at_kalanda = Membership.objects.get(person=person, provider=kalanda)
    client.force_login(owner)
    client.post(
        "/admin/accounts/membership/",
        {"action": "revoke_access", "_selected_action": [at_kalanda.pk], "confirm": "yes"},
    )
    at_kalanda.refresh_from_db()
    assert at_kalanda.revoked_at is not None
    person.refresh_from_db()
    assert person.is_active and may_log_in(person)
    assert Membership.objects.get(person=person, provider=kestio).is_active
    logged = AuditEntry.objects.get(action="membership.revoked")
    assert (logged.actor, logged.provider) == (owner, kalanda)


def test_a_superuser_still_edits_the_account_and_it_is_logged(client):
    _kalanda, _kestio, _owner, person = two_providers()
    root = make_staff(make_provider("Plateforme"), Role.OWNER)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])
    client.force_login(root)
    response = client.post(
        admin_url(person, "change"),
        {"first_name": "Léa", "last_name": "Martin", "language": "fr", "is_active": "on"},
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.full_name == "Léa Martin"
    logged = AuditEntry.objects.get(action="person.updated")
    assert logged.provider is None and logged.actor == root
    assert logged.details["fields"] == ["first_name", "last_name"]
