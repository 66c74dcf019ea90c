"""Art. 7.2.4 in the portal: the session page offers a problem report from the session's
start until 24 clock hours after its end (23:59 and 24:00 in time, 24:01 refused with the
clause), posting to `problems.report_problem`, and shows the report's status; the staff
page lists open reports first and lets owners uphold (the seats are credited back) or
reject with a reason through `problems.resolve_problem` (permission and audit as the
API). Other clients' and providers' people get 404."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine

from clausier.accounts.models import Role
from clausier.coaching import ledger, problems, services
from clausier.coaching.models import ProblemReport, ProblemStatus
from clausier.core.models import AuditEntry
from tests.coaching.builders import coaching_world, make_coach
from tests.helpers import make_client, make_client_user, make_provider, make_staff

pytestmark = pytest.mark.django_db
ORDERED = datetime(2026, 9, 20, 9, tzinfo=UTC)
PAID = datetime(2026, 10, 1, 9, tzinfo=UTC)
BOOKED_AT = datetime(2026, 10, 5, 9, tzinfo=UTC)
STARTS = datetime(2026, 10, 23, 8, tzinfo=UTC)  # Friday 23 October 2026, 10:00 Paris
FORM = 'value="report"'


@pytest.fixture
def w():
    world = coaching_world(ORDERED, PAID)
    world.session = services.book_session(
        now=BOOKED_AT,
        actor=world.members[0],
        subscription=world.subscription,
        coach=world.coach,
        starts_at=STARTS,
    )
    return world


def _page(client, person, session, at):
    client.force_login(person)
    with time_machine.travel(at, tick=False):
        response = client.get(f"/seances/{session.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def _report(client, person, session, at, kind="coach_absent"):
    client.force_login(person)
    with time_machine.travel(at, tick=False):
        return client.post(
            f"/seances/{session.pk}/",
            {"action": "report", "kind": kind, "description": "Le coach n'est pas venu."},
            follow=True,
        )


def test_the_form_shows_from_the_start_with_the_deadline_and_the_clause(client, w):
    member = w.members[0]
    assert FORM not in _page(client, member, w.session, STARTS - timedelta(minutes=1))
    during = _page(client, member, w.session, STARTS + timedelta(minutes=5))
    assert FORM in during and "7.2.4" in during and "24 heures" in during
    # 24:00 after the end is still in time; 24:01 the form gives way to the expiry.
    assert FORM in _page(client, member, w.session, w.session.ends_at + timedelta(hours=24))
    late = _page(client, member, w.session, w.session.ends_at + timedelta(hours=24, minutes=1))
    assert FORM not in late and "a expiré" in late and "7.2.4" in late


@pytest.mark.parametrize(
    ("after_end", "accepted"),
    [
        (timedelta(hours=23, minutes=59), True),
        (timedelta(hours=24), True),
        (timedelta(hours=24, minutes=1), False),
    ],
)
def test_posting_a_report_in_time_and_late(client, w, after_end, accepted):
    page = _report(client, w.members[0], w.session, w.session.ends_at + after_end)
    assert page.status_code == 200
    html = page.content.decode()
    if accepted:
        report = ProblemReport.objects.get()
        assert report.status == ProblemStatus.OPEN and report.reporter == w.members[0]
        assert "Problème signalé" in html and "à examiner" in html and FORM not in html
        return
    assert not ProblemReport.objects.exists()
    assert "dans les 24 heures suivant la séance" in html and "7.2.4" in html


def test_the_client_admin_reports_and_bad_input_is_refused_without_500(client, w):
    at = STARTS + timedelta(minutes=30)
    assert FORM in _page(client, w.admin, w.session, at)
    bad = _report(client, w.admin, w.session, at, kind="meteo")
    assert bad.status_code == 200 and "Nature du problème inconnue" in bad.content.decode()
    assert _report(client, w.admin, w.session, at).status_code == 200
    assert ProblemReport.objects.get().reporter == w.admin


def test_staff_page_empty_state_then_owner_upholds_and_the_seat_comes_back(client, w):
    client.force_login(w.owner)
    empty = client.get("/seances/signalements/").content.decode()
    assert "Aucun signalement à examiner" in empty
    now = w.session.ends_at + timedelta(hours=1)
    services.close_finished_sessions(now)
    filed = problems.report_problem(
        now=now, actor=w.members[0], session=w.session, kind="video", description="SECRET"
    )
    before = ledger.allowance(w.subscription, now, now).remaining
    page = client.get("/seances/signalements/").content.decode()
    assert "SECRET" in page and f"/seances/signalements/{filed.pk}/" in page
    # A reason is required: refused with a message, still open.
    answer = client.post(
        f"/seances/signalements/{filed.pk}/", {"decision": "uphold", "resolution": " "}, follow=True
    )
    assert "Dites ce qui a été décidé" in answer.content.decode()
    filed.refresh_from_db()
    assert filed.status == ProblemStatus.OPEN
    with time_machine.travel(now, tick=False):
        done = client.post(
            f"/seances/signalements/{filed.pk}/",
            {"decision": "uphold", "resolution": "Coach absent, confirmé."},
            follow=True,
        )
    assert "Signalement traité" in done.content.decode()
    filed.refresh_from_db()
    assert filed.status == ProblemStatus.UPHELD and filed.resolved_by == w.owner
    assert ledger.allowance(w.subscription, now, now).remaining == before + 1
    entry = AuditEntry.objects.get(action="coaching.problem_resolved")
    assert entry.actor == w.owner and entry.details["credited"] == 1
    # The participant sees the decision on the session page.
    member_page = _page(client, w.members[0], w.session, now)
    assert "fondé : séance recréditée" in member_page and "Coach absent, confirmé." in member_page


def test_open_reports_first_and_reject(client, w):
    now = w.session.ends_at + timedelta(hours=1)
    first = problems.report_problem(
        now=now, actor=w.members[0], session=w.session, kind="video", description="premier"
    )
    second = problems.report_problem(
        now=now + timedelta(minutes=5),
        actor=w.admin,
        session=w.session,
        kind="other",
        description="second",
    )
    problems.resolve_problem(
        now=now, actor=w.owner, report=second, upheld=False, resolution="Salle fonctionnelle."
    )
    client.force_login(w.owner)
    page = client.get("/seances/signalements/").content.decode()
    assert page.index("premier") < page.index("Salle fonctionnelle.")
    client.post(f"/seances/signalements/{first.pk}/", {"decision": "reject", "resolution": "Non."})
    first.refresh_from_db()
    assert first.status == ProblemStatus.REJECTED
    bad = client.post(
        f"/seances/signalements/{first.pk}/",
        {"decision": "peut-être", "resolution": "x"},
        follow=True,
    )
    assert bad.status_code == 200 and "Choisissez" in bad.content.decode()


def test_a_coach_sees_but_does_not_decide(client, w):
    now = w.session.ends_at + timedelta(hours=1)
    filed = problems.report_problem(
        now=now, actor=w.members[0], session=w.session, kind="video", description="SECRET"
    )
    client.force_login(w.coach.person)
    page = client.get("/seances/signalements/").content.decode()
    assert "SECRET" in page and "Un responsable du prestataire décide" in page
    answer = client.post(
        f"/seances/signalements/{filed.pk}/",
        {"decision": "uphold", "resolution": "moi"},
        follow=True,
    )
    assert "Réservé aux responsables" in answer.content.decode()
    filed.refresh_from_db()
    assert filed.status == ProblemStatus.OPEN


def test_outsiders_get_404(client, w):
    now = w.session.ends_at + timedelta(hours=1)
    filed = problems.report_problem(
        now=now, actor=w.members[0], session=w.session, kind="video", description="SECRET"
    )
    other_provider = make_provider("Autre")
    other_owner = make_staff(other_provider)
    make_coach(other_provider)
    other_admin = make_client_user(make_client(w.provider, "Fromagerie"), Role.CLIENT_ADMIN)
    for outsider in (other_owner, other_admin, w.admin, w.members[1]):
        client.force_login(outsider)
        answer = client.post(
            f"/seances/signalements/{filed.pk}/", {"decision": "uphold", "resolution": "x"}
        )
        assert answer.status_code == 404
    for outsider in (other_owner, other_admin):
        client.force_login(outsider)
        assert client.get(f"/seances/{w.session.pk}/").status_code == 404
    client.force_login(other_owner)
    assert "SECRET" not in client.get("/seances/signalements/").content.decode()
    for not_staff in (other_admin, w.members[0]):
        client.force_login(not_staff)
        assert client.get("/seances/signalements/").status_code == 404
    filed.refresh_from_db()
    assert filed.status == ProblemStatus.OPEN


@pytest.mark.parametrize(
    ("language", "report_words", "staff_words"),
    [
        ("fr", ["Signaler un problème", "soit avant le"], ["Signalements de problèmes"]),
        ("de", ["Ein Problem melden", "also vor dem"], ["Problemmeldungen", "Meldungen"]),
        ("en", ["Report a problem", "that is before"], ["Problem reports", "Reports"]),
    ],
)
def test_the_pages_speak_the_reader_s_language_and_the_menu_leads_staff_there(
    client, w, language, report_words, staff_words
):
    member = w.members[0]
    member.language = language
    member.save(update_fields=["language"])
    html = _page(client, member, w.session, STARTS + timedelta(minutes=5))
    for word in report_words:
        assert word in html, word
    assert 'href="/seances/signalements/"' not in html  # not in a collaborator's menu
    w.owner.language = language
    w.owner.save(update_fields=["language"])
    client.force_login(w.owner)
    staff = client.get("/seances/signalements/").content.decode()
    for word in staff_words:
        assert word in staff, word
    assert 'href="/seances/signalements/"' in staff  # the menu entry
