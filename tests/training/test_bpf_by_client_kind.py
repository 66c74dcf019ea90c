"""BPF lines that depend on who the client is (cerfa 10443): its invoices go to C-1, C-3,
C-9 or C-10 by the client's nature, and its trainees to F-1 a, d or e; apprentices (F-1 b)
and jobseekers (F-1 c) come from the quote's funding scheme. Only the provider sets the
client's nature."""

from __future__ import annotations

from decimal import Decimal

import pytest

from clausier.accounts.models import ClientKind, ClientOrganisation
from clausier.training import bpf, services
from clausier.training.models import FundingScheme
from tests.training.test_api_signs_and_settles import bearer
from tests.training.test_bpf_revenue_lines import _funded_run, _lines
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    quote_of,
)
from tests.training.world import AFTER, run_training, training_world

pytestmark = pytest.mark.django_db


def _client_paid_run(w):
    quote = quote_of(w)
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    return bpf.compute(w["provider"], 2026)


def _situations(figures):
    return {line.code: (line.trainees, line.hours_trainees) for line in figures.by_situation}


def test_a_company_is_c1_and_its_staff_f1_a():
    figures = _client_paid_run(training_world())
    lines = _lines(figures)
    assert lines["C-1"] == figures.revenue_total > 0
    assert lines["C-3"] == lines["C-9"] == lines["C-10"] == 0
    situations = _situations(figures)
    assert situations["F-1 a"] == (2, figures.hours_trainees)
    assert list(situations) == ["F-1 a", "F-1 b", "F-1 c", "F-1 d", "F-1 e"]
    assert all(situations[code] == (0, Decimal("0.00")) for code in list(situations)[1:])


@pytest.mark.parametrize(
    ("kind", "line", "situation"),
    [
        (ClientKind.PUBLIC_EMPLOYER, "C-3", "F-1 e"),
        (ClientKind.INDIVIDUAL, "C-9", "F-1 d"),
        (ClientKind.TRAINING_ORGANISATION, "C-10", "F-1 a"),
    ],
)
def test_the_clients_nature_moves_its_revenue_and_trainees(kind, line, situation):
    w = training_world()
    ClientOrganisation.objects.filter(pk=w["client"].pk).update(kind=kind)
    figures = _client_paid_run(w)
    lines = _lines(figures)
    assert lines[line] == figures.revenue_total > 0
    assert lines["C-1"] == 0
    assert _situations(figures)[situation] == (2, figures.hours_trainees)


def test_apprentices_are_f1_b_whatever_the_client():
    w = training_world()
    ClientOrganisation.objects.filter(pk=w["client"].pk).update(kind=ClientKind.INDIVIDUAL)
    figures = _funded_run(w, FundingScheme.APPRENTICESHIP)
    situations = _situations(figures)
    assert situations["F-1 b"] == (2, figures.hours_trainees)
    assert situations["F-1 d"] == (0, Decimal("0.00"))
    # The client's own share (beyond the OPCO's cover) is C-9 by its nature.
    assert _lines(figures)["C-9"] == figures.revenue_total - figures.revenue_opco > 0


def test_only_the_provider_sets_the_clients_nature(client):
    w = training_world()
    url = f"/api/clients/{w['client'].pk}"
    refused = client.patch(
        url,
        {"kind": "individual"},
        content_type="application/json",
        **bearer(w["admin"]),
    )
    assert refused.status_code == 403, refused.content
    assert (
        client.patch(
            url, {"kind": "nonsense"}, content_type="application/json", **bearer(w["owner"])
        ).status_code
        == 400
    )
    done = client.patch(
        url,
        {"kind": "public_employer"},
        content_type="application/json",
        **bearer(w["owner"]),
    )
    assert done.status_code == 200 and done.json()["kind"] == "public_employer"
    # The client admin still edits its billing address.
    assert (
        client.patch(
            url,
            {"billing_email": "compta@boulangerie.example"},
            content_type="application/json",
            **bearer(w["admin"]),
        ).status_code
        == 200
    )
