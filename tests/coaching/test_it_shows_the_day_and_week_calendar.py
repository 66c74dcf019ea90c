"""The day / week calendar (issue 14): a viewer's sessions and free slots day by day in
the viewer's zone (DST weeks right), previous / next / today, the same data on the page
and in the API, and nobody sees another collaborator's or another client's sessions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services as billing
from clausier.coaching import agenda, booking, services
from clausier.coaching.errors import CoachingError
from tests.billing.builders import coaching_plan
from tests.coaching.builders import coaching_world, make_coach, pay_first_invoice
from tests.helpers import accepted_terms, make_client, make_client_user

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")
ORDERED = datetime(2026, 10, 1, 9, tzinfo=UTC)
PAID = datetime(2026, 10, 2, 9, tzinfo=UTC)
# Wednesday 21 October 2026; clocks go back in Paris on Sunday 25 October.
NOW = datetime(2026, 10, 21, 6, tzinfo=UTC)
THURSDAY_9 = datetime(2026, 10, 22, 9, tzinfo=PARIS)
FRIDAY_10 = datetime(2026, 10, 23, 10, tzinfo=PARIS)


def world():
    w = coaching_world(ORDERED, PAID)
    first, second = w.members
    a = services.book_session(
        now=NOW, actor=first, subscription=w.subscription, coach=w.coach, starts_at=THURSDAY_9
    )
    b = services.book_session(
        now=NOW, actor=second, subscription=w.subscription, coach=w.coach, starts_at=FRIDAY_10
    )
    return w, a, b


def other_client_session(w):
    """A second client of the same provider, with a session with the same coach."""
    other = make_client(w.provider, "Fromagerie")
    admin = make_client_user(other, Role.CLIENT_ADMIN)
    accepted_terms(other, ServiceLine.COACHING_TRAINING, ORDERED, "1.1")
    plan = coaching_plan(w.provider, code="focus-other")
    subscription = pay_first_invoice(
        billing.subscribe(now=ORDERED, actor=admin, client=other, plan=plan), PAID
    )
    member = make_client_user(other, Role.CLIENT_MEMBER)
    booking.enrol(actor=admin, subscription=subscription, person=member)
    session = services.book_session(
        now=NOW,
        actor=member,
        subscription=subscription,
        coach=w.coach,
        starts_at=datetime(2026, 10, 22, 14, tzinfo=PARIS),
    )
    return admin, member, session


def session_ids(found):
    return {e.session_id for d in found.days for e in d.sessions}


def test_a_week_runs_monday_to_sunday_in_local_days_and_the_dst_sunday_lasts_25_hours():
    w, _a, _b = world()
    found = agenda.agenda(person=w.coach.person, now=NOW, view=agenda.WEEK, day="2026-10-21")
    assert found.zone.key == "Europe/Paris"  # the coach's own zone
    assert [d.day for d in found.days] == [date(2026, 10, 19) + timedelta(days=i) for i in range(7)]
    assert found.days[0].starts_at == datetime(2026, 10, 18, 22, tzinfo=UTC)  # CEST midnight
    assert found.days[6].starts_at == datetime(2026, 10, 24, 22, tzinfo=UTC)
    assert found.days[6].ends_at == datetime(2026, 10, 25, 23, tzinfo=UTC)  # CET midnight
    assert [d.hours for d in found.days] == [24, 24, 24, 24, 24, 24, 25]
    assert (found.previous, found.next, found.today) == (
        date(2026, 10, 14),
        date(2026, 10, 28),
        date(2026, 10, 21),
    )
    # The week after the change: 09:00 stays 09:00 local, one hour later in UTC.
    after = agenda.agenda(person=w.coach.person, now=NOW, view=agenda.WEEK, day="2026-10-26")
    monday = after.days[0]
    assert monday.starts_at == datetime(2026, 10, 25, 23, tzinfo=UTC)
    assert monday.free_slots[0].starts_at == datetime(2026, 10, 26, 8, tzinfo=UTC)
    thursday = found.days[3]
    assert thursday.free_slots[0].starts_at == datetime(2026, 10, 22, 8, tzinfo=UTC)


def test_the_day_view_shows_a_session_on_its_day_only():
    w, a, _b = world()
    member = w.members[0]
    for day, expected in (("2026-10-21", set()), ("2026-10-22", {a.pk}), ("2026-10-23", set())):
        found = agenda.agenda(person=member, now=NOW, view=agenda.DAY, day=day)
        assert len(found.days) == 1
        assert session_ids(found) == expected, day
    thursday = agenda.agenda(person=member, now=NOW, view=agenda.DAY, day="2026-10-22")
    assert (thursday.previous, thursday.next) == (date(2026, 10, 21), date(2026, 10, 23))
    # The session's slot is not offered as free any more; the next hour is.
    free = [e.starts_at for e in thursday.days[0].free_slots]
    assert THURSDAY_9 not in free
    assert THURSDAY_9 + timedelta(hours=1) in free


def test_the_viewer_s_zone_moves_sessions_across_days():
    w, a, _b = world()
    # 09:00 in Paris is 20:00 in Auckland the same day; 10:00 on Friday is 21:00 Friday.
    found = agenda.agenda(
        person=w.members[0], now=NOW, view=agenda.DAY, day="2026-10-22", zone="Pacific/Auckland"
    )
    assert session_ids(found) == {a.pk}
    # In Los Angeles 09:00 Paris Thursday is 00:00 Thursday: still Thursday, the first minute.
    la = agenda.agenda(
        person=w.members[0],
        now=NOW,
        view=agenda.DAY,
        day="2026-10-22",
        zone="America/Los_Angeles",
    )
    assert session_ids(la) == {a.pk}
    assert la.days[0].starts_at == a.starts_at
    before = agenda.agenda(
        person=w.members[0],
        now=NOW,
        view=agenda.DAY,
        day="2026-10-21",
        zone="America/Los_Angeles",
    )
    assert session_ids(before) == set()


def test_a_collaborator_sees_only_their_own_sessions_the_admin_the_company_s_the_coach_all():
    w, a, b = world()
    other_admin, other_member, other = other_client_session(w)
    first, second = w.members

    def seen(person):
        return session_ids(
            agenda.agenda(person=person, now=NOW, view=agenda.WEEK, day="2026-10-22")
        )

    assert seen(first) == {a.pk}
    assert seen(second) == {b.pk}
    assert seen(w.admin) == {a.pk, b.pk}
    assert seen(other_member) == {other.pk}
    assert seen(other_admin) == {other.pk}
    assert seen(w.coach.person) == {a.pk, b.pk, other.pk}
    # Free slots: the member sees the coach's, never a second coach of another provider.
    stranger = coaching_world(ORDERED, PAID, members=0)
    found = agenda.agenda(person=first, now=NOW, view=agenda.WEEK, day="2026-10-22")
    coaches = {e.coach_id for d in found.days for e in d.free_slots}
    assert coaches == {w.coach.pk}
    assert stranger.coach.pk not in coaches


def test_a_coach_sees_their_own_free_slots_only():
    w, _a, _b = world()
    second = make_coach(w.provider)
    found = agenda.agenda(person=second.person, now=NOW, view=agenda.WEEK, day="2026-10-22")
    assert {e.coach_id for d in found.days for e in d.free_slots} == {second.pk}
    assert session_ids(found) == set()
    # Their free slots include Thursday 09:00, which the first coach holds.
    assert THURSDAY_9 in [e.starts_at for e in found.days[3].free_slots]


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"date": "2026-13-01"}, "bad_date"),
        ({"date": "21/10/2026"}, "bad_date"),
        ({"date": "9999-12-31"}, "bad_date"),
        ({"date": "2028-01-01"}, "bad_date"),
        ({"view": "year"}, "bad_view"),
        ({"tz": "Mars/Olympus"}, "bad_zone"),
        ({"tz": "../../etc/passwd"}, "bad_zone"),
        ({"coach_id": "999999"}, "bad_coach"),
    ],
)
def test_bad_input_gets_a_clear_400_from_the_api(client, params, code):
    w, _a, _b = world()
    client.force_login(w.members[0])
    with time_machine.travel(NOW, tick=False):
        answer = client.get("/api/coaching/calendar", params)
    assert answer.status_code == 400, answer.content
    assert answer.json()["code"] == code


def test_the_api_gives_what_the_page_shows(client):
    w, a, _b = world()
    member = w.members[0]
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        api = client.get("/api/coaching/calendar", {"view": "week", "date": "2026-10-22"}).json()
        page = client.get(
            reverse("portal:coaching_calendar"), {"vue": "week", "date": "2026-10-22"}
        )
    assert page.status_code == 200
    html = page.content.decode()
    assert api["zone"] == "Europe/Paris"
    assert [d["hours"] for d in api["days"]] == [24, 24, 24, 24, 24, 24, 25]
    sessions = [e for d in api["days"] for e in d["entries"] if e["kind"] == "session"]
    assert [(e["session_id"], e["mine"]) for e in sessions] == [(a.pk, True)]
    assert f'href="/seances/{a.pk}/"' in html
    free = [e for d in api["days"] for e in d["entries"] if e["kind"] == "free"]
    assert free and html.count('class="book"') == len(free)
    assert "changement d&#x27;heure (25 h)" in html or "changement d'heure (25 h)" in html
    assert "?vue=week&amp;date=2026-10-15" in html and "?vue=week&amp;date=2026-10-29" in html


def test_the_page_says_what_is_wrong_with_a_bad_address_and_shows_today(client):
    w, _a, _b = world()
    client.force_login(w.members[0])
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("portal:coaching_calendar"), {"date": "2026-02-30", "tz": "X/Y"})
    assert page.status_code == 200
    assert "Fuseau horaire inconnu" in page.content.decode()


def test_an_empty_week_says_what_to_do_next(client):
    w, _a, _b = world()
    client.force_login(w.members[0])
    # A week without sessions, and a coach who publishes no hours.
    w.coach.weekly_slots.all().delete()
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("portal:coaching_calendar"), {"date": "2026-11-02"})
    assert "Aucune séance ni créneau libre sur cette période" in page.content.decode()


def test_past_days_show_no_free_slots_and_a_refused_person_gets_nothing(client):
    w, _a, _b = world()
    found = agenda.agenda(person=w.members[0], now=NOW, view=agenda.WEEK, day="2026-10-12")
    assert not any(d.free_slots for d in found.days)
    outsider = coaching_world(ORDERED, PAID, members=1).members[0]
    seen = agenda.agenda(person=outsider, now=NOW, view=agenda.WEEK, day="2026-10-22")
    assert session_ids(seen) == set()
    assert w.coach.pk not in {e.coach_id for d in seen.days for e in d.free_slots}
    with pytest.raises(CoachingError):
        agenda.agenda(person=outsider, now=NOW, coach_id=w.coach.pk)


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Semaine du 19 octobre au 25 octobre 2026", "Semaine suivante"]),
        ("de", ["Woche vom", "Nächste Woche", "Zeitumstellung (25 Std.)"]),
        ("en", ["Week of", "Next week", "clock change (25 h)"]),
    ],
)
def test_the_page_speaks_the_reader_s_language(client, language, words):
    w, _a, _b = world()
    member = w.members[0]
    member.language = language
    member.save(update_fields=["language"])
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        html = client.get(reverse("portal:coaching_calendar"), {"date": "2026-10-22"})
    text = html.content.decode()
    for word in words:
        assert word in text, word
