"""The convention de formation of a quote (Code du travail L6353-1, D6353-1; contract
art. 2): what the law requires, read back from the PDF, made from the quote as it stands,
for the client's admin and the provider's staff only."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clausier.accounts.models import Role
from clausier.training import convention, services
from clausier.training.models import EnrolmentStatus, OrganisationProfile
from tests.helpers import make_client, make_client_user
from tests.training.test_api_signs_and_settles import bearer
from tests.training.test_it_keeps_sheets_and_certificates_as_evidence import text_of
from tests.training.test_it_runs_a_training_to_its_split_invoices import funded, quote_of
from tests.training.world import FIRST_START, ORDERED, training_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    w = training_world()
    OrganisationProfile.objects.create(
        provider=w["provider"],
        declaration_number="11755555575",
        signatory_name="Claire Kestio",
        signatory_title="gérante",
    )
    return w


def test_it_states_what_d6353_1_requires(w):
    quote = quote_of(w)
    text = text_of(convention.render(quote, now=ORDERED))
    assert "Convention de formation professionnelle" in text
    assert "L6353-1" in text and "D6353-1" in text
    # The parties, the organisation's declaration and its legal mention (L6352-12).
    assert "Kestio" in text and "Boulangerie" in text
    assert "11755555575" in text and "ne vaut pas agrément de l'État" in text
    # Title, nature, objectives, programme, duration, dates, headcount.
    assert "« Manager coach »" in text and "Conduire un entretien de coaching" in text
    assert "Jour 1 : écoute." in text
    assert "15.00 heures" in text or "15,00 heures" in text
    assert FIRST_START.strftime("%d/%m/%Y") in text
    assert "2 participants" in text
    for person in (w["alice"], w["bob"]):
        assert str(person.full_name or person.email) in text
    # Price and VAT, payment, cancellation, each with its clause.
    assert "Total TTC" in text and "TVA 20" in text
    assert "L'action est réglée par le client." in text
    assert "Art. 8.2.4" in text and "Art. 10.2" in text
    assert "3 000,00 €" in text or "3 000,00 €" in text
    assert "Claire Kestio, gérante" in text


def test_it_follows_the_quote_funding_and_withdrawals(w):
    quote = quote_of(w)
    funded(w, quote, received=FIRST_START - timedelta(days=1))
    enrolment = quote.enrolments.get(participant=w["bob"])
    services.withdraw_participant(now=ORDERED, actor=w["admin"], enrolment=enrolment)
    assert quote.enrolments.get(pk=enrolment.pk).status == EnrolmentStatus.WITHDRAWN
    text = text_of(convention.render(quote, now=ORDERED))
    assert "OPCO Atlas" in text and "ATLAS-26-0042" in text
    assert "Accord n° ACC-0042" in text and "subrogation" in text
    assert "1 participant," in text
    assert str(w["bob"].full_name or w["bob"].email) not in text


def test_a_vat_exempt_organisation_says_so(w):
    OrganisationProfile.objects.filter(provider=w["provider"]).update(vat_exempt=True)
    text = text_of(convention.render(quote_of(w), now=ORDERED))
    assert "261-4-4° a" in text and "TVA 20" not in text


def test_the_page_link_and_who_may_read_it(w, client):
    quote = quote_of(w)
    client.force_login(w["admin"])
    page = client.get(f"/formations/devis/{quote.pk}/").content.decode()
    assert f"/formations/devis/{quote.pk}/convention.pdf" in page
    response = client.get(f"/formations/devis/{quote.pk}/convention.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    client.force_login(w["accountant"])
    assert client.get(f"/formations/devis/{quote.pk}/convention.pdf").status_code == 200
    # A participant, and another client's admin, do not read the client's convention.
    client.force_login(w["alice"])
    assert client.get(f"/formations/devis/{quote.pk}/convention.pdf").status_code == 404
    other = make_client_user(make_client(w["provider"], "Autre"), Role.CLIENT_ADMIN)
    client.force_login(other)
    assert client.get(f"/formations/devis/{quote.pk}/convention.pdf").status_code == 404


def test_the_api(w, client):
    quote = quote_of(w)
    path = f"/api/training/quotes/{quote.pk}/convention.pdf"
    response = client.get(path, **bearer(w["admin"]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "convention-de-formation" in response["Content-Disposition"]
    assert client.get(path, **bearer(w["alice"])).status_code == 404
