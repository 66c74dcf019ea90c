"""BPF figures (cerfa 10443) from invoices and validated attendance; a session spanning
two years is split by the day of each half-day."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest

from clausier.training import bpf, services
from clausier.training.models import Attendance, Enrolment, Quote, Slot, TrainingSession
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    funded,
    quote_of,
)
from tests.training.world import AFTER, FIRST_START, PARIS, run_training, training_world

pytestmark = pytest.mark.django_db


def test_the_year_of_a_funded_training(client):
    w = training_world()
    quote = quote_of(w)
    funded(w, quote, covered="3000.00", received=FIRST_START - timedelta(days=1))
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    figures = bpf.compute(w["provider"], 2026)
    assert figures.revenue_opco == Decimal("3000.00")
    assert figures.revenue_companies == Decimal("200.00")
    assert (figures.trainees, figures.hours_trainees) == (2, Decimal("30.00"))
    assert [(t.name, t.hours) for t in figures.trainers] == [(w["coach"].email, Decimal("14.00"))]
    assert bpf.compute(w["provider"], 2025).revenue_total == 0
    client.force_login(w["accountant"])
    page = client.get("/formations/bpf/?annee=2026")
    assert page.status_code == 200 and "Bilan pédagogique et financier" in page.content.decode()
    csv_text = client.get("/formations/bpf.csv?annee=2026").content.decode()
    assert "C-2,opérateurs de compétences (OPCO),3000.00" in csv_text
    client.force_login(w["alice"])
    assert client.get("/formations/bpf/").status_code == 404  # not billing staff


def test_a_session_spanning_two_years_is_split_by_half_day():
    w = training_world()
    quote = quote_of(w, w["alice"])
    enrolment = Enrolment.objects.get(quote=quote)
    session = TrainingSession.objects.create(
        provider=w["provider"], training=w["training"], trainer=w["trainer"]
    )
    Quote.objects.filter(pk=quote.pk).update(session=session)
    for day in (date(2026, 12, 31), date(2027, 1, 2)):
        slot = Slot.objects.create(
            session=session,
            day=day,
            half="am",
            starts_at=datetime.combine(day, time(9), tzinfo=PARIS),
            ends_at=datetime.combine(day, time(12), tzinfo=PARIS),
            validated_at=datetime.combine(day, time(12), tzinfo=PARIS),
        )
        Attendance.objects.create(enrolment=enrolment, slot=slot, status="present", minutes=180)
    assert bpf.compute(w["provider"], 2026).hours_trainees == Decimal("3.00")
    assert bpf.compute(w["provider"], 2027).hours_trainees == Decimal("3.00")
    assert bpf.compute(w["provider"], 2027).trainer_hours == Decimal("3.00")


def _half_day(w, enrolment, session, day):
    slot = Slot.objects.create(
        session=session,
        day=day,
        half="am",
        starts_at=datetime.combine(day, time(9), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(12), tzinfo=PARIS),
        validated_at=datetime.combine(day, time(12), tzinfo=PARIS),
    )
    Attendance.objects.create(enrolment=enrolment, slot=slot, status="present", minutes=180)


def test_an_accounting_year_from_july_ends_in_june_of_its_year(client):
    w = training_world()
    w["provider"].fiscal_year_start_month = 7
    w["provider"].save()
    quote = quote_of(w, w["alice"])
    enrolment = Enrolment.objects.get(quote=quote)
    session = TrainingSession.objects.create(
        provider=w["provider"], training=w["training"], trainer=w["trainer"]
    )
    Quote.objects.filter(pk=quote.pk).update(session=session)
    # The last day of the year 2026 (July 2025 to June 2026), then the first of 2027.
    _half_day(w, enrolment, session, date(2026, 6, 30))
    _half_day(w, enrolment, session, date(2026, 7, 1))
    _half_day(w, enrolment, session, date(2026, 7, 2))
    year_2026 = bpf.compute(w["provider"], 2026)
    assert (year_2026.first_day, year_2026.last_day) == (date(2025, 7, 1), date(2026, 6, 30))
    assert year_2026.hours_trainees == Decimal("3.00")
    assert bpf.compute(w["provider"], 2027).hours_trainees == Decimal("6.00")
    client.force_login(w["accountant"])
    csv_text = client.get("/formations/bpf.csv?annee=2026").content.decode()
    assert "exercice,du,2025-07-01" in csv_text and "exercice,au,2026-06-30" in csv_text
    page = client.get("/formations/bpf/?annee=2026").content.decode()
    assert "Exercice du 01/07/2025 au 30/06/2026" in page


def test_the_calendar_year_by_default():
    figures = bpf.compute(training_world()["provider"], 2026)
    assert (figures.first_day, figures.last_day) == (date(2026, 1, 1), date(2026, 12, 31))


def test_the_owner_sets_the_accounting_year_over_the_api(client):
    from tests.training.test_api_signs_and_settles import bearer

    w = training_world()
    path = f"/api/providers/{w['provider'].pk}"
    for bad in (0, 13):
        refused = client.patch(
            path, {"fiscal_year_start_month": bad}, "application/json", **bearer(w["owner"])
        )
        assert refused.status_code == 422, refused.content
    done = client.patch(
        path, {"fiscal_year_start_month": 7}, "application/json", **bearer(w["owner"])
    )
    assert done.status_code == 200 and done.json()["fiscal_year_start_month"] == 7
    assert bpf.compute(type(w["provider"]).objects.get(pk=w["provider"].pk), 2026).first_day == (
        date(2025, 7, 1)
    )
