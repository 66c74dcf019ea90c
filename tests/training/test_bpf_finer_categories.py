"""BPF finer lines: F-1 a (every trainee is an employee of the client) and F-3 by nature of
the action (L6313-1), the same trainees and hours split, in the page and the CSV."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.training import bpf, services
from clausier.training.models import Nature, Training
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    quote_of,
)
from tests.training.world import AFTER, run_training, training_world

pytestmark = pytest.mark.django_db


def test_f3_splits_trainees_and_hours_by_nature(client):
    w = training_world()
    quote = quote_of(w)
    complete_modules(w, quote, w["alice"])
    run_training(w, quote)
    services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    figures = bpf.compute(w["provider"], 2026)
    [training] = figures.by_nature
    assert (training.nature, training.trainees) == (Nature.TRAINING, 2)
    assert training.hours_trainees == figures.hours_trainees == Decimal("29.00")
    # The same action declared as a skills assessment moves its figures to that line.
    Training.objects.filter(pk=w["training"].pk).update(nature=Nature.SKILLS_ASSESSMENT)
    [moved] = bpf.compute(w["provider"], 2026).by_nature
    assert (moved.nature, moved.trainees, moved.hours_trainees) == (
        Nature.SKILLS_ASSESSMENT,
        2,
        Decimal("29.00"),
    )
    assert bpf.compute(w["provider"], 2025).by_nature == ()
    client.force_login(w["accountant"])
    csv_text = client.get("/formations/bpf.csv?annee=2026").content.decode()
    assert "F-1 a,salariés d'employeurs privés hors apprentis : stagiaires,2" in csv_text
    assert "F-1 b,apprentis : stagiaires,0" in csv_text
    assert "F-3 skills_assessment,bilan de compétences : heures-stagiaires,29.00" in csv_text
    page = client.get("/formations/bpf/?annee=2026").content.decode()
    assert "F-3" in page and "bilan de compétences" in page
