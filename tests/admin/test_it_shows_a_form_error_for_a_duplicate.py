"""Finding 10 (issue 9): adding what already exists is a form error, never a 500.

The membership form used to miss the constraint that spans its read-only fields; every
other add form of the back-office is walked too, with a copy of an existing object.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict

from clausier.accounts.models import Membership, Role
from tests.admin.world import admin_url, build_back_office

pytestmark = pytest.mark.django_db
ADD_URL = "/admin/accounts/membership/add/"
# The writable admins whose objects the owner adds (see the permission matrix).
ADDABLE = [
    "accounts.clientorganisation",
    "billing.plan",
    "billing.funder",
    "terms.ecbrateentry",
    "terms.syntecindexentry",
    "terms.termsversion",
]


def test_a_membership_that_exists_is_a_form_error(client):
    office = build_back_office()
    world = office.world
    before = Membership.objects.count()
    client.force_login(office.by_role[Role.OWNER])
    client_side = client.post(
        ADD_URL,
        {
            "person": office.by_role[Role.CLIENT_MEMBER].pk,
            "provider": world.provider_a.pk,
            "client": world.client_a1.pk,
            "role": "member",
        },
    )
    assert client_side.status_code == 200
    assert "a déjà un accès à cet espace" in client_side.content.decode()
    # One staff role per provider, whatever the role asked.
    staff_side = client.post(
        ADD_URL,
        {
            "person": office.by_role[Role.ENGINEER].pk,
            "provider": world.provider_a.pk,
            "client": "",
            "role": "coach",
        },
    )
    assert staff_side.status_code == 200
    assert "a déjà un accès à cet espace" in staff_side.content.decode()
    assert Membership.objects.count() == before


def post_data(obj: Any) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for name, value in model_to_dict(obj).items():
        if value is None:
            continue
        data[name] = json.dumps(value) if isinstance(value, list | dict) else value
    return data


@pytest.mark.parametrize("label", ADDABLE)
def test_a_copy_of_an_existing_object_is_a_form_error(client, label):
    office = build_back_office()
    obj = office.objects[label]
    model = type(obj)
    assert model in admin.site._registry
    before = model._default_manager.count()
    client.force_login(office.by_role[Role.OWNER])
    response = client.post(admin_url(obj, "add"), post_data(obj))
    assert response.status_code == 200
    assert "existe déjà" in response.content.decode()
    assert model._default_manager.count() == before
