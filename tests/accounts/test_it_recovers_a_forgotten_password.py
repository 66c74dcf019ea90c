"""Forgotten password and e-mail change (issue 16): links through the outbox, a limit per
address, tokens that expire and serve once, no hint whether an account exists."""

from __future__ import annotations

import re
import time

import pytest
import time_machine
from django.utils import timezone

from clausier.accounts.models import Person, Role
from clausier.notify.models import OutboxMessage
from clausier.notify.services import deliver_due
from tests.helpers import PASSWORD, make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Pain-au-levain-2026"
# Travel by timestamp: an aware destination moved Django's naive local clock (which the
# reset token reads) by the zone's offset less than asked.


def _person() -> Person:
    return make_client_user(make_client(make_provider()), Role.CLIENT_ADMIN)


def _link(smtp_server, path: str) -> str:
    assert deliver_due(timezone.now())["sent"] >= 1
    body = smtp_server.messages[-1].get_content()
    match = re.search(r"https?://[^/\s]+(" + path + r"[^\s]+)", body)
    assert match, body
    return match.group(1)


def test_a_person_resets_a_forgotten_password_once(client, smtp_server):
    person = _person()
    assert "/mot-de-passe-oublie/" in client.get("/connexion/").content.decode()
    answer = client.post("/mot-de-passe-oublie/", {"email": person.email.upper()})
    assert answer.status_code == 302
    message = OutboxMessage.objects.get(template="password_reset")
    assert "/reinitialiser/" not in message.body  # the link is sealed, not stored
    link = _link(smtp_server, "/reinitialiser/")
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    posted = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert posted.status_code == 302
    person.refresh_from_db()
    assert person.check_password(NEW_PASSWORD)
    # The link served once: the token hashes the password it replaced.
    again = client.get(link, follow=True)
    assert "plus valable" in again.content.decode()


def test_the_answer_does_not_say_whether_an_account_exists(client):
    _person()
    answer = client.post("/mot-de-passe-oublie/", {"email": "nobody@nowhere.example"})
    assert answer.status_code == 302
    assert answer["Location"] == "/mot-de-passe-oublie/envoye/"
    assert not OutboxMessage.objects.filter(template="password_reset").exists()


def test_an_address_gets_three_reset_mails_an_hour(client, settings):
    person = _person()
    for _ in range(settings.PASSWORD_RESET_MAX_PER_HOUR):
        assert client.post("/mot-de-passe-oublie/", {"email": person.email}).status_code == 302
    refused = client.post("/mot-de-passe-oublie/", {"email": person.email})
    assert refused.status_code == 429
    assert "Trop de demandes" in refused.content.decode()
    with time_machine.travel(time.time() + 3660):
        assert client.post("/mot-de-passe-oublie/", {"email": person.email}).status_code == 302
    assert OutboxMessage.objects.filter(template="password_reset").count() == 4


def test_the_reset_link_expires_after_an_hour(client, smtp_server):
    person = _person()
    client.post("/mot-de-passe-oublie/", {"email": person.email})
    link = _link(smtp_server, "/reinitialiser/")
    with time_machine.travel(time.time() + 3660):
        page = client.get(link, follow=True)
    assert "plus valable" in page.content.decode()


def test_an_email_change_is_confirmed_from_the_new_address(client, smtp_server):
    person = _person()
    old = person.email
    new = "sophie.nouvelle@" + old.split("@")[1]
    client.force_login(person)
    wrong = client.post("/profil/adresse/", {"new_email": new, "password": "nope"}, follow=True)
    assert "Mot de passe incorrect" in wrong.content.decode()
    client.post("/profil/adresse/", {"new_email": new, "password": PASSWORD})
    person.refresh_from_db()
    assert person.email == old  # nothing changes before the confirmation
    link = _link(smtp_server, "/profil/adresse/")
    assert smtp_server.messages[-1]["To"] == new
    assert client.get(link).status_code == 200  # opening the link changes nothing
    person.refresh_from_db()
    assert person.email == old
    client.post(link)
    person.refresh_from_db()
    assert person.email == new
    replay = client.post(link, follow=True)
    assert "déjà servi" in replay.content.decode()


def test_an_email_change_refuses_free_webmail_and_taken_addresses(client):
    person = _person()
    other = _person()
    client.force_login(person)
    page = client.post(
        "/profil/adresse/", {"new_email": "sophie@gmail.com", "password": PASSWORD}, follow=True
    )
    assert "messagerie gratuite" in page.content.decode()
    page = client.post(
        "/profil/adresse/", {"new_email": other.email, "password": PASSWORD}, follow=True
    )
    assert "déjà utilisée" in page.content.decode()
    assert not OutboxMessage.objects.filter(template="email_change").exists()
