"""Staff suspend a collaborator from the back-office, with a mandatory reason."""

from __future__ import annotations

import pytest

from clausier.accounts.models import Role
from tests.helpers import make_client, make_client_user, make_provider, make_staff, membership_of

pytestmark = pytest.mark.django_db
URL = "/admin/accounts/membership/"


def test_the_reason_is_asked_then_the_access_is_suspended(client):
    provider = make_provider()
    engineer = make_staff(provider, Role.ENGINEER)
    member = make_client_user(make_client(provider, "Boulangerie"))
    membership = membership_of(member)
    client.force_login(engineer)
    page = client.post(URL, {"action": "suspend_access", "_selected_action": [membership.pk]})
    assert page.status_code == 200 and "Motif" in page.content.decode()
    membership.refresh_from_db()
    assert membership.suspended_at is None
    again = client.post(
        URL,
        {
            "action": "suspend_access",
            "_selected_action": [membership.pk],
            "confirm": "yes",
            "reason": "",
        },
    )
    assert "obligatoire" in again.content.decode()
    done = client.post(
        URL,
        {
            "action": "suspend_access",
            "_selected_action": [membership.pk],
            "confirm": "yes",
            "reason": "Identifiants partagés",
        },
        follow=True,
    )
    assert "1 accès suspendu" in done.content.decode()
    membership.refresh_from_db()
    assert membership.suspension_reason == "Identifiants partagés"
    client.post(URL, {"action": "reinstate_access", "_selected_action": [membership.pk]})
    membership.refresh_from_db()
    assert membership.suspended_at is None


def test_another_providers_membership_cannot_be_suspended(client):
    provider, other = make_provider(), make_provider("Autre")
    engineer = make_staff(provider, Role.ENGINEER)
    stranger = membership_of(make_client_user(make_client(other, "Atelier")))
    client.force_login(engineer)
    client.post(
        URL,
        {
            "action": "suspend_access",
            "_selected_action": [stranger.pk],
            "confirm": "yes",
            "reason": "x",
        },
    )
    stranger.refresh_from_db()
    assert stranger.suspended_at is None
