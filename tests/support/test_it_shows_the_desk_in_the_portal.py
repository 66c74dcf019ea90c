"""The portal: a client opens a ticket, sees its clock, replies with an attachment; the
staff queue puts the next breach first; attachments download only for those who may."""

from __future__ import annotations

from datetime import UTC, datetime
from io import BytesIO

import pytest
import time_machine

from clausier.support.models import Attachment, EmergencyRequest, Ticket
from clausier.support.services import tickets
from tests.helpers import make_client, make_client_user
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
TUESDAY = datetime(2026, 1, 6, 9, tzinfo=UTC)


def test_a_client_opens_a_ticket_replies_with_a_file_and_downloads_it(client):
    w = support_world()
    client.force_login(w["admin"])
    with time_machine.travel(TUESDAY, tick=False):
        home = client.get("/support/")
        assert home.status_code == 200 and "web1" in home.content.decode()
        response = client.post(
            "/support/",
            {"client": w["client"].pk, "server": w["server"].pk, "subject": "Lent", "body": "Oui"},
        )
        ticket = Ticket.objects.get()
        assert response.status_code == 302 and response["Location"].endswith(f"/{ticket.pk}/")
        page = client.get(f"/support/tickets/{ticket.pk}/").content.decode()
        assert "Lent" in page and "Art. 5" in page
        with open(__file__, "rb") as source:
            client.post(
                f"/support/tickets/{ticket.pk}/", {"body": "Les journaux", "attachment": source}
            )
    attachment = Attachment.objects.get()
    assert attachment.content_type == "text/plain"
    download = client.get(f"/support/pieces-jointes/{attachment.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert download["X-Content-Type-Options"] == "nosniff"
    stranger = make_client_user(make_client(w["provider"], "Autre"))
    client.force_login(stranger)
    assert client.get(f"/support/pieces-jointes/{attachment.pk}/").status_code == 404


def test_a_refused_file_type_is_a_message_not_an_error(client):
    w = support_world()
    ticket = tickets.open_ticket(
        now=TUESDAY, client=w["client"], subject="x", body="y", channel="portal", actor=w["admin"]
    )
    client.force_login(w["admin"])
    upload = BytesIO(b"MZ\x90\x00\x03\x00\x00\x00\xff\xff")
    upload.name = "virus.pdf"
    response = client.post(
        f"/support/tickets/{ticket.pk}/", {"body": "voir pièce", "attachment": upload}, follow=True
    )
    assert response.status_code == 200
    assert not Attachment.objects.exists()


def test_the_emergency_button_and_the_staff_queue(client):
    w = support_world()
    client.force_login(w["admin"])
    with time_machine.travel(TUESDAY, tick=False):
        response = client.post("/support/urgence/", {"server": w["server"].pk, "description": "HS"})
    row = EmergencyRequest.objects.get()
    assert response.status_code == 302 and row.channel == "portal" and row.confirmed_at
    early = tickets.open_ticket(
        now=TUESDAY, client=w["client"], subject="early", body="b", channel="portal"
    )
    late = tickets.open_ticket(
        now=datetime(2026, 1, 7, 9, tzinfo=UTC),
        client=w["client"],
        subject="late",
        body="b",
        channel="portal",
    )
    client.force_login(w["engineer"])
    page = client.get("/support/").content.decode()
    assert page.index(early.subject) < page.index(late.subject)
    assert client.get(f"/support/urgences/{row.pk}/").status_code == 200
