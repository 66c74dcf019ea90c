"""A ticket's reply with and without JavaScript (docs/portal.md "HTMX"): htmx posts the
reply and gets the conversation back with the acknowledgement clock out of band (art. 5:
a public reply from the provider acknowledges the ticket); a refusal comes back in the
same card with the draft kept, never a 500; a plain form post is redirected as before."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine

from clausier.support.models import Ticket, TicketMessage
from clausier.support.services import tickets
from tests.helpers import make_client, make_client_user
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
TUESDAY = datetime(2026, 1, 6, 9, tzinfo=UTC)
HX = {"HTTP_HX_REQUEST": "true"}


def _ticket(w: dict) -> Ticket:
    return tickets.open_ticket(
        now=TUESDAY,
        client=w["client"],
        subject="Site lent",
        body="Depuis 8 h",
        channel="portal",
        actor=w["admin"],
    )


def test_an_engineers_reply_by_htmx_returns_the_thread_and_the_clock(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["engineer"])
    with time_machine.travel(TUESDAY.replace(minute=20), tick=False):
        answer = client.post(f"/support/tickets/{ticket.pk}/", {"body": "On regarde"}, **HX)
    assert answer.status_code == 200
    html = answer.content.decode()
    assert "<html" not in html and 'id="conversation"' in html
    assert "Message enregistré." in html and "On regarde" in html
    assert 'id="ticket-clock" hx-swap-oob="true"' in html
    assert "prise en compte le" in html and "Art. 5" in html
    assert "HX-Request" in answer["Vary"]
    ticket.refresh_from_db()
    assert ticket.acknowledged_at == TUESDAY.replace(minute=20)


def test_an_empty_reply_by_htmx_is_refused_in_the_card(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["admin"])
    answer = client.post(f"/support/tickets/{ticket.pk}/", {"body": "   "}, **HX)
    assert answer.status_code == 200
    assert 'class="error"' in answer.content.decode()
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1  # the opening message only


def test_without_javascript_the_reply_posts_and_redirects(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(w["admin"])
    answer = client.post(f"/support/tickets/{ticket.pk}/", {"body": "Toujours lent"})
    assert answer.status_code == 302 and answer["Location"] == f"/support/tickets/{ticket.pk}/"
    page = client.get(answer["Location"]).content.decode()
    assert "Toujours lent" in page and "<html" in page
    assert 'hx-post="/support/tickets/' in page  # the same form, enhanced when JS runs


def test_another_clients_ticket_is_not_found_by_htmx_either(client):
    w = support_world()
    ticket = _ticket(w)
    client.force_login(make_client_user(make_client(w["provider"], "Autre")))
    answer = client.post(f"/support/tickets/{ticket.pk}/", {"body": "coucou"}, **HX)
    assert answer.status_code == 404
    assert TicketMessage.objects.filter(ticket=ticket).count() == 1
