"""The escalation list given to the client (managed hosting art. 5: "une liste de mail et
de numéros de téléphone en escalade est fournie au client"): support staff replace it as
a whole over the API, every client user of the provider reads it there and on the
support pages; a wrong row changes nothing."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from clausier.accounts import services as accounts_services
from clausier.accounts.models import Role
from clausier.core.models import AuditEntry
from clausier.support.models import EscalationContact
from tests.helpers import make_client, make_client_user, make_provider, make_staff
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db

LIST = [
    {"name": "Astreinte niveau 1", "phone": "+33 1 84 80 00 01", "hours": "always"},
    {"name": "Responsable technique", "phone": "01 84 80 00 02", "email": "cto@kalanda.example"},
    {"name": "Direction", "email": "direction@kalanda.example", "hours": "office"},
]


def bearer(person):
    _token, secret = accounts_services.create_api_token(now=timezone.now(), person=person, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def put(client, w, who, contacts):
    return client.put(
        f"/api/support/providers/{w['provider'].pk}/escalation-list",
        data=json.dumps({"contacts": contacts}),
        content_type="application/json",
        **bearer(who),
    )


@pytest.fixture
def w():
    return support_world()


def test_staff_publish_it_and_the_client_reads_it_in_order(client, w):
    response = put(client, w, w["engineer"], LIST)
    assert response.status_code == 200, response.content
    assert [row["position"] for row in response.json()] == [1, 2, 3]
    read = client.get(
        f"/api/support/providers/{w['provider'].pk}/escalation-list", **bearer(w["admin"])
    )
    assert read.status_code == 200
    assert [(row["name"], row["phone"], row["hours"]) for row in read.json()] == [
        ("Astreinte niveau 1", "+33 1 84 80 00 01", "always"),
        ("Responsable technique", "01 84 80 00 02", "always"),
        ("Direction", "", "office"),
    ]
    entry = AuditEntry.objects.get(action="support.escalation_list")
    assert entry.actor_id == w["engineer"].pk and entry.details["contacts"] == 3
    # Replaced as a whole: a shorter list leaves no stale rung behind.
    assert put(client, w, w["engineer"], LIST[:1]).status_code == 200
    assert EscalationContact.objects.filter(provider=w["provider"]).count() == 1


GOOD = {"name": "Astreinte", "phone": "+33 1 84 80 00 09"}


@pytest.mark.parametrize(
    ("contacts", "code"),
    [
        ([], "escalation_list_empty"),
        ([GOOD] * 11, "escalation_list_too_long"),
        # One wrong row after a good one: the whole list is refused.
        ([GOOD, {"name": "  ", "phone": "+33 1 00 00 00 00"}], "escalation_name"),
        ([GOOD, {"name": "Astreinte"}], "escalation_unreachable"),
        ([GOOD, {"name": "Astreinte", "phone": "appelez-nous"}], "escalation_phone"),
        ([GOOD, {"name": "Astreinte", "email": "pas-une-adresse"}], "escalation_email"),
        ([GOOD, {"name": "Astreinte", "phone": "0184800001", "hours": "w"}], "escalation_hours"),
    ],
)
def test_a_wrong_list_is_refused_and_nothing_changes(client, w, contacts, code):
    assert put(client, w, w["engineer"], LIST).status_code == 200
    response = put(client, w, w["engineer"], contacts)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == code
    kept = EscalationContact.objects.filter(provider=w["provider"]).order_by("position")
    assert [row.name for row in kept] == [row["name"] for row in LIST]


def test_unknown_fields_are_refused(client, w):
    response = put(client, w, w["engineer"], [{**GOOD, "pager": "42"}])
    assert response.status_code in (400, 422) and not EscalationContact.objects.exists()


def test_a_client_user_may_read_but_not_write_and_strangers_see_nothing(client, w):
    assert put(client, w, w["admin"], LIST).status_code == 403
    assert not EscalationContact.objects.exists()
    stranger = make_client_user(make_client(make_provider("Autre"), "Ailleurs"), Role.CLIENT_ADMIN)
    path = f"/api/support/providers/{w['provider'].pk}/escalation-list"
    assert client.get(path, **bearer(stranger)).status_code == 404
    other_staff = make_staff(make_provider("Concurrent"), Role.ENGINEER)
    assert put(client, w, other_staff, LIST).status_code == 404


def test_the_support_pages_show_it_with_dialable_links(client, w):
    client.force_login(w["admin"])
    empty = client.get("/support/").content.decode()
    assert "Liste pas encore publiée" in empty and w["provider"].support_email in empty
    put(client, w, w["engineer"], LIST)
    page = client.get("/support/").content.decode()
    assert 'href="tel:+33184800001"' in page and "Astreinte niveau 1" in page
    assert 'href="mailto:direction@kalanda.example"' in page and "heures ouvrées" in page
    client.force_login(w["admin"])
    english = client.get("/support/", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 200
