"""The month view of the calendar: the Monday-to-Sunday weeks that hold the month, in the
viewer's local days (the DST Sundays 23 and 25 hours), sessions listed and free slots
counted per day (booked from the day view), previous / next month from any day, the same
data in the API, FR/DE/EN."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse

from clausier.coaching import agenda
from tests.coaching.test_it_shows_the_day_and_week_calendar import NOW, world

pytestmark = pytest.mark.django_db


def test_october_2026_runs_from_monday_28_september_to_sunday_1_november():
    w, a, b = world()
    found = agenda.agenda(person=w.coach.person, now=NOW, view=agenda.MONTH, day="2026-10-21")
    assert found.days[0].day == date(2026, 9, 28)
    assert found.days[-1].day == date(2026, 11, 1)
    assert len(found.days) == 35
    assert [d.day.weekday() for d in found.days] == list(range(7)) * 5
    # Sunday 25 October: clocks go back, the day lasts 25 hours.
    assert [d.hours for d in found.days if d.hours != 24] == [25]
    assert found.days[0].starts_at == datetime(2026, 9, 27, 22, tzinfo=UTC)
    assert found.days[-1].ends_at == datetime(2026, 11, 1, 23, tzinfo=UTC)
    sessions = {e.session_id for d in found.days for e in d.sessions}
    assert sessions == {a.pk, b.pk}
    # Free slots from now on only: none on the 20th, some on the 22nd.
    by_day = {d.day: d for d in found.days}
    assert by_day[date(2026, 10, 20)].free_count == 0
    assert by_day[date(2026, 10, 22)].free_count > 0


@pytest.mark.parametrize(
    ("asked", "first", "last", "previous", "following"),
    [
        # February 2027 starts on a Monday and ends on a Sunday: four weeks exactly.
        ("2027-02-10", date(2027, 2, 1), date(2027, 2, 28), date(2027, 1, 1), date(2027, 3, 1)),
        # The last day of a month: the next month is the first of the next, not 31 days on.
        ("2027-01-31", date(2026, 12, 28), date(2027, 1, 31), date(2026, 12, 1), date(2027, 2, 1)),
        # March 2026: six weeks, and the 23-hour Sunday of the spring change (29 March).
        ("2026-03-01", date(2026, 2, 23), date(2026, 4, 5), date(2026, 2, 1), date(2026, 4, 1)),
    ],
)
def test_a_month_is_its_whole_weeks_and_moves_by_month(asked, first, last, previous, following):
    w, _a, _b = world()
    found = agenda.agenda(person=w.coach.person, now=NOW, view=agenda.MONTH, day=asked)
    assert (found.days[0].day, found.days[-1].day) == (first, last)
    assert (found.previous, found.next) == (previous, following)
    assert len(found.days) % 7 == 0
    if asked == "2026-03-01":
        assert [(d.day, d.hours) for d in found.days if d.hours != 24] == [(date(2026, 3, 29), 23)]


def test_the_month_page_lists_sessions_counts_free_slots_and_the_api_agrees(client):
    w, a, _b = world()
    member = w.members[0]
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        api = client.get("/api/coaching/calendar", {"view": "month", "date": "2026-10-22"})
        page = client.get(
            reverse("portal:coaching_calendar"), {"vue": "month", "date": "2026-10-22"}
        )
    assert api.status_code == 200 and page.status_code == 200
    html = page.content.decode()
    days = api.json()["days"]
    assert (days[0]["day"], days[-1]["day"]) == ("2026-09-28", "2026-11-01")
    assert "Octobre 2026" in html
    assert f'href="/seances/{a.pk}/"' in html
    thursday = next(d for d in days if d["day"] == "2026-10-22")
    free = sum(1 for e in thursday["entries"] if e["kind"] == "free")
    assert f"{free} créneaux libres" in html
    # Slots are booked from the day view: the month has no booking forms.
    assert 'class="book"' not in html
    assert "?vue=day&amp;date=2026-10-22" in html
    assert "?vue=month&amp;date=2026-09-01" in html and "?vue=month&amp;date=2026-11-01" in html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("fr", ["Octobre 2026", "Mois suivant", "créneaux libres"]),
        ("de", ["Oktober 2026", "Nächster Monat", "freie Termine"]),
        ("en", ["October 2026", "Next month", "free slots"]),
    ],
)
def test_the_month_speaks_the_reader_s_language(client, language, words):
    w, _a, _b = world()
    member = w.members[0]
    member.language = language
    member.save(update_fields=["language"])
    client.force_login(member)
    with time_machine.travel(NOW, tick=False):
        html = client.get(
            reverse("portal:coaching_calendar"), {"vue": "month", "date": "2026-10-22"}
        )
    text = html.content.decode()
    for word in words:
        assert word in text, word


def test_an_empty_month_says_what_to_do_next(client):
    w, _a, _b = world()
    w.coach.weekly_slots.all().delete()
    client.force_login(w.members[0])
    with time_machine.travel(NOW, tick=False):
        page = client.get(
            reverse("portal:coaching_calendar"), {"vue": "month", "date": "2027-01-10"}
        )
    assert "passez au mois suivant ou réservez depuis" in page.content.decode()
    assert (
        len(agenda.agenda(person=w.members[0], now=NOW, view="month", day="2027-01-10").days) == 35
    )
