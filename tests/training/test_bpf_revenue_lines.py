"""BPF section C line by line (cerfa 10443): an OPCO's revenue goes to C-2 a…h by the
scheme of the quote's funding request, a public funder's to C-4…C-8 by its kind; the CSV
keeps the cerfa's French words whatever the language of the download."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine

from clausier.billing.models_funders import Funder, FunderKind
from clausier.training import bpf, services
from clausier.training.errors import TrainingError
from clausier.training.models import FundingRequest, FundingScheme
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.test_it_runs_a_training_to_its_split_invoices import (
    complete_modules,
    quote_of,
)
from tests.training.world import AFTER, FIRST_START, ORDERED, run_training, training_world

pytestmark = pytest.mark.django_db


def _funded_run(w, scheme=FundingScheme.SKILLS_PLAN, funder=None):
    quote = quote_of(w)
    request = services.request_funding(
        now=ORDERED,
        actor=w["admin"],
        quote=quote,
        funder=funder or w["funder"],
        file_number="ATLAS-26-0042",
        amount_ht=Decimal("3000.00"),
        scheme=scheme,
    )
    received = FIRST_START - timedelta(days=1)
    services.record_agreement(
        now=max(received, ORDERED),
        actor=w["owner"],
        request=request,
        reference="ACC-0042",
        covered_ht=Decimal("3000.00"),
        covered_hours=Decimal("30.00"),
        received_at=received,
    )
    complete_modules(w, quote, w["alice"], w["bob"])
    run_training(w, quote)
    services.settle(now=AFTER, actor=w["accountant"], quote=quote)
    return bpf.compute(w["provider"], 2026)


def _lines(figures):
    return {line.code: line.amount for line in figures.revenue}


def test_an_opco_funding_under_the_cpf_is_line_c2_e():
    figures = _funded_run(training_world(), FundingScheme.CPF)
    lines = _lines(figures)
    assert lines["C-2 e"] == Decimal("3000.00")
    assert lines["C-2 h"] == 0
    assert lines["C-1"] == figures.revenue_companies == Decimal("200.00")
    assert figures.revenue_opco == Decimal("3000.00")
    assert figures.revenue_total == Decimal("3200.00")
    # Every line of the section, in the cerfa's order, zeros included.
    assert list(lines)[:3] == ["C-1", "C-2 a", "C-2 b"]
    assert list(lines)[-3:] == ["C-9", "C-10", "C-11"]
    assert len(lines) == 18


def test_the_skills_plan_is_the_default_scheme():
    lines = _lines(_funded_run(training_world()))
    assert lines["C-2 h"] == Decimal("3000.00")
    assert FundingRequest.objects.get().scheme == FundingScheme.SKILLS_PLAN


def test_a_regional_council_is_line_c6_not_c2():
    w = training_world()
    region = Funder.objects.create(
        provider=w["provider"],
        kind=FunderKind.REGION,
        legal_name="Région Île-de-France",
        siret="23750007900312",
        billing_email="formation@iledefrance.example",
        address_line1="2 rue Simone Veil",
        postal_code="93400",
        city="Saint-Ouen",
    )
    figures = _funded_run(w, funder=region)
    lines = _lines(figures)
    assert lines["C-6"] == Decimal("3000.00")
    assert figures.revenue_opco == 0
    assert figures.revenue_other == Decimal("3000.00")


def test_an_unknown_scheme_is_refused_and_nothing_is_recorded():
    w = training_world()
    quote = quote_of(w)
    with pytest.raises(TrainingError) as refused:
        services.request_funding(
            now=ORDERED,
            actor=w["admin"],
            quote=quote,
            funder=w["funder"],
            file_number="ATLAS-26-0042",
            amount_ht=Decimal("3000.00"),
            scheme="lottery",
        )
    assert refused.value.code == "unknown_scheme"
    assert not FundingRequest.objects.exists()


def test_the_page_and_the_csv(client):
    w = training_world()
    _funded_run(w, FundingScheme.PRO_A)
    client.force_login(w["accountant"])
    csv_text = client.get("/formations/bpf.csv?annee=2026", HTTP_ACCEPT_LANGUAGE="de").content
    text = csv_text.decode()
    assert "C-2,opérateurs de compétences (OPCO),3000.00" in text
    assert "C-2 c,promotion ou reconversion par alternance (Pro-A),3000.00" in text
    assert "C-6,conseil régional,0.00" in text
    assert "C-total,total des produits,3200.00" in text
    page = client.get("/formations/bpf/?annee=2026").content.decode()
    assert "C-2 c" in page and "C-11" in page


def test_the_api_takes_the_scheme_and_refuses_an_unknown_one(client):
    w = training_world()
    quote = quote_of(w)
    admin = bearer(w["admin"])
    path = f"/api/training/quotes/{quote.pk}/funding"
    body = {"funder_id": w["funder"].pk, "file_number": "X-1", "amount_ht": "3000.00"}
    refused = post(client, path, admin, {**body, "scheme": "lottery"})
    assert refused.status_code == 400 and refused.json()["code"] == "unknown_scheme"
    assert not FundingRequest.objects.exists()
    created = post(client, path, admin, {**body, "scheme": "apprenticeship"})
    assert created.status_code == 201, created.content
    assert created.json()["funding"]["scheme"] == "apprenticeship"
    assert FundingRequest.objects.get(quote=quote).scheme == FundingScheme.APPRENTICESHIP


def test_the_quote_page_form_records_the_scheme(client):
    w = training_world()
    quote = quote_of(w)
    client.force_login(w["admin"])
    with time_machine.travel(ORDERED, tick=False):
        page = client.get(f"/formations/devis/{quote.pk}/").content.decode()
        assert 'name="scheme"' in page and "compte personnel de formation" in page
        wrong = client.post(
            f"/formations/devis/{quote.pk}/financement/",
            {"funder": w["funder"].pk, "file_number": "AT-1", "amount_ht": "3200", "scheme": "x"},
        )
        assert wrong.status_code == 400 and not FundingRequest.objects.exists()
        done = client.post(
            f"/formations/devis/{quote.pk}/financement/",
            {"funder": w["funder"].pk, "file_number": "AT-1", "amount_ht": "3200", "scheme": "cpf"},
        )
    assert done.status_code == 302
    assert FundingRequest.objects.get(quote=quote).scheme == FundingScheme.CPF
