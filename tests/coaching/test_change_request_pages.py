"""The coach's page of changes asked by e-mail (art. 10.1, 10.3): listed in the reader's
language, applied or dismissed in place, the notice judged at the e-mail's reception."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clausier.coaching import mailin, services
from clausier.coaching.models import ChangeRequest, RequestStatus, SessionStatus
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2027, 2, 20, 9, tzinfo=UTC)
PAID = datetime(2027, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2027, 3, 15, 9, tzinfo=UTC)
STARTS = datetime(2027, 3, 19, 9, tzinfo=UTC)


def _requested(received_at: datetime):
    w = coaching_world(ORDERED, PAID)
    session = services.book_session(
        now=NOW, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=STARTS
    )
    raw = (
        f"From: {w.members[0].email}\r\nSubject: Empêchement [#S-{session.pk}]\r\n"
        "Message-ID: <page-test@mail.example>\r\n\r\nJe dois annuler, désolé.\r\n"
    ).encode()
    request_id = mailin.ingest(raw, w.provider, received_at).request_id
    return w, session, ChangeRequest.objects.get(pk=request_id)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Demandes par e-mail", "Je dois annuler", "Écarter", "1 demande par e-mail"]),
        ("de", ["Anfragen per E-Mail", "Zurückweisen", "1 Anfrage per E-Mail"]),
        ("en", ["Requests by e-mail", "Dismiss", "1 request by e-mail to handle"]),
    ],
)
def test_the_coach_reads_pending_requests_in_their_language(client, language, words):
    w, session, request = _requested(NOW)
    coach = w.coach.person
    coach.language = language
    coach.save(update_fields=["language"])
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        client.force_login(coach)
        html = client.get("/seances/demandes/").content.decode()
        html += client.get("/coach/").content.decode()
        html += client.get(f"/seances/{session.pk}/").content.decode()
    for word in words:
        assert word in html, word
    assert 'href="/seances/demandes/"' in html
    assert f'href="/seances/demandes/#request-{request.pk}"' in html  # from the session


def test_the_coach_cancels_late_from_the_page_and_a_member_cannot_see_it(client):
    received = STARTS - timedelta(hours=47, minutes=59)
    w, session, request = _requested(received)
    client.force_login(w.members[0])
    assert client.get("/seances/demandes/").status_code == 404
    assert client.post(f"/seances/demandes/{request.pk}/", {"action": "cancel"}).status_code == 404
    with time_machine.travel(STARTS - timedelta(hours=47), tick=False):
        client.force_login(w.coach.person)
        answer = client.post(f"/seances/demandes/{request.pk}/", {"action": "cancel"}, follow=True)
    assert "comptée comme réalisée" in answer.content.decode()
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.change_in_time is False
    request.refresh_from_db()
    assert request.status == RequestStatus.APPLIED


def test_a_dismissal_without_reason_is_refused_then_kept_with_it(client):
    w, session, request = _requested(NOW)
    client.force_login(w.coach.person)
    url = f"/seances/demandes/{request.pk}/"
    answer = client.post(url, {"action": "dismiss", "reason": " "}, follow=True)
    assert "Dites pourquoi" in answer.content.decode()
    client.post(url, {"action": "dismiss", "reason": "Déjà réglé au téléphone"})
    request.refresh_from_db()
    assert request.status == RequestStatus.DISMISSED
    assert request.decision == "Déjà réglé au téléphone"
    session.refresh_from_db()
    assert session.status == SessionStatus.BOOKED
