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
