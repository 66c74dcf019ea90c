"""The provider's support staff edit the escalation list in the portal (managed hosting
art. 5: "une liste de mail et de numéros de téléphone en escalade est fournie au
client"): a formset of up to ten rows saved through `escalation.replace_list`, so the
page refuses with the API's words, a refused list keeps what was typed and changes
nothing, and the service writes the audit entry. Client users and other providers get
404; bad input is a message, never a 500."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from clausier.accounts.models import Role
from clausier.core.models import AuditEntry
from clausier.support.models import EscalationContact
from clausier.support.services import escalation
from tests.helpers import make_provider, make_staff
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db

ROWS = 10


def url(w: dict[str, Any]) -> str:
    return f"/support/prestataires/{w['provider'].pk}/escalade/"


def form_data(rows: list[dict[str, str]]) -> dict[str, str]:
    """The formset as the browser posts it: every row, blank ones included."""
    data = {
        "contact-TOTAL_FORMS": str(ROWS),
        "contact-INITIAL_FORMS": "0",
        "contact-MIN_NUM_FORMS": "0",
        "contact-MAX_NUM_FORMS": str(ROWS),
    }
    for index in range(ROWS):
        row = rows[index] if index < len(rows) else {}
        for key in ("name", "phone", "email"):
            data[f"contact-{index}-{key}"] = row.get(key, "")
        data[f"contact-{index}-hours"] = row.get("hours", "always")
    return data


LIST = [
    {"name": "Astreinte niveau 1", "phone": "+33 1 84 80 00 01"},
    {"name": "Responsable technique", "email": "cto@kalanda.example", "hours": "office"},
]


@pytest.fixture
def w() -> dict[str, Any]:
    return support_world()


def test_staff_see_the_empty_state_then_publish_the_list_in_row_order(client, w):
    client.force_login(w["engineer"])
    page = client.get(url(w))
    assert page.status_code == 200
    assert 'id="escalation-empty"' in page.content.decode()
    assert page.content.decode().count('name="contact-') >= ROWS * 4
    # A blank row between two contacts is skipped: the order is the rows' order.
    response = client.post(url(w), form_data([LIST[0], {}, LIST[1]]))
    assert response.status_code == 302 and response["Location"] == url(w)
    rows = escalation.contacts_of(w["provider"].pk)
    assert [(r.position, r.name, r.phone, r.email, r.hours) for r in rows] == [
        (1, "Astreinte niveau 1", "+33 1 84 80 00 01", "", "always"),
        (2, "Responsable technique", "", "cto@kalanda.example", "office"),
    ]
    entry = AuditEntry.objects.get(action="support.escalation_list")
    assert entry.actor_id == w["engineer"].pk and entry.details["contacts"] == 2
    # The form opens on the published list; the support home links to it.
    again = client.get(url(w)).content.decode()
    assert 'value="Responsable technique"' in again and 'id="escalation-empty"' not in again
    home = client.get("/support/").content.decode()
    assert f'href="{url(w)}"' in home and "PUT /api" not in home


def test_removing_a_row_and_reordering_replace_the_whole_list(client, w):
    escalation.replace_list(
        now=timezone.now(), actor=w["engineer"], provider=w["provider"], contacts=LIST
    )
    client.force_login(w["engineer"])
    response = client.post(url(w), form_data([LIST[1]]))
    assert response.status_code == 302
    assert [r.name for r in escalation.contacts_of(w["provider"].pk)] == ["Responsable technique"]


@pytest.mark.parametrize(
    ("rows", "words"),
    [
        ([], "au moins un contact (art. 5)"),
        ([LIST[0], {"name": "Sans moyen de contact"}], "Ligne 2 : un téléphone ou un e-mail."),
        (
            [LIST[0], {"name": "Astreinte", "phone": "appelez-nous"}],
            "Ligne 2 : numéro de téléphone illisible.",
        ),
        ([{"name": "Astreinte", "email": "pas-une-adresse"}], "Ligne 1 : adresse e-mail invalide."),
        ([{"name": "x" * 121, "phone": "0184800001"}], "Ligne 1 : un nom ou une fonction"),
    ],
)
def test_a_refused_list_keeps_what_was_typed_and_changes_nothing(client, w, rows, words):
    escalation.replace_list(
        now=timezone.now(), actor=w["engineer"], provider=w["provider"], contacts=LIST
    )
    client.force_login(w["engineer"])
    response = client.post(url(w), form_data(rows))
    assert response.status_code == 400
    page = response.content.decode()
    assert words in page and "Rien n'a été modifié." in page
    for row in rows:
        for value in row.values():
            if value not in ("always", "office"):
                assert f'value="{value}"' in page
    kept = escalation.contacts_of(w["provider"].pk)
    assert [r.name for r in kept] == [row["name"] for row in LIST]
    assert AuditEntry.objects.filter(action="support.escalation_list").count() == 1


def test_a_refusal_shows_the_filled_rows_first_so_line_n_is_contact_n(client, w):
    client.force_login(w["engineer"])
    rows = [LIST[0], {}, {"name": "Sans moyen de contact"}]
    response = client.post(url(w), form_data(rows))
    page = response.content.decode()
    assert response.status_code == 400 and "Ligne 2 : un téléphone ou un e-mail." in page
    assert 'name="contact-1-name" value="Sans moyen de contact"' in page
    assert not EscalationContact.objects.exists()


def test_bad_form_input_is_a_message_never_a_500(client, w):
    client.force_login(w["engineer"])
    unknown_hours = form_data([{"name": "Astreinte", "phone": "0184800001", "hours": "w"}])
    assert client.post(url(w), unknown_hours).status_code == 400
    tampered = {**form_data(LIST), "contact-TOTAL_FORMS": "500"}
    assert client.post(url(w), tampered).status_code == 400
    assert client.post(url(w), {"junk": "1"}).status_code == 400
    assert not EscalationContact.objects.exists()


def test_client_users_and_other_providers_get_404(client, w):
    client.force_login(w["admin"])
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w), form_data(LIST)).status_code == 404
    assert f'href="{url(w)}"' not in client.get("/support/").content.decode()
    client.force_login(make_staff(make_provider("Concurrent"), Role.ENGINEER))
    assert client.get(url(w)).status_code == 404
    assert client.post(url(w), form_data(LIST)).status_code == 404
    assert client.get("/support/prestataires/999999/escalade/").status_code == 404
    assert not EscalationContact.objects.exists()


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_the_page_speaks_the_reader_s_language(client, w, language):
    w["engineer"].language = language
    w["engineer"].save(update_fields=["language"])
    client.force_login(w["engineer"])
    page = client.get(url(w), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    expected = {
        "fr": "Publier la liste",
        "de": "Liste veröffentlichen",
        "en": "Publish the list",
    }
    assert expected[language] in page.content.decode()
