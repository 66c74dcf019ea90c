"""The provider's invoice mentions (Code de commerce R123-237: legal form, share capital,
RCS city; the e-invoicing reform: operation category, VAT on debits) are validated the
same way in the model, the API and the back-office, in French, German and English."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone, translation

from clausier.accounts.models import Provider, Role
from clausier.accounts.services import create_api_token
from clausier.billing.invoicing.issue import seller_snapshot
from clausier.core.models import AuditEntry
from tests.helpers import make_provider, make_staff

pytestmark = pytest.mark.django_db


def errors_of(provider: Provider) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        provider.full_clean()
    return {field: [e.code for e in errs] for field, errs in caught.value.error_dict.items()}


def test_a_pasted_rcs_prefix_is_dropped_and_the_city_kept():
    provider = make_provider(rcs_city="  RCS  Aix-en-Provence ")
    assert provider.rcs_city == "Aix-en-Provence"
    assert make_provider(rcs_city="L'Isle-Jourdain").rcs_city == "L'Isle-Jourdain"


@pytest.mark.parametrize("city", ["Paris B 812 345 676", "75011", "Paris 11e"])
def test_a_number_in_the_rcs_city_is_refused(city):
    provider = make_provider()
    provider.rcs_city = city
    assert "invalid_rcs_city" in errors_of(provider)["rcs_city"]


@pytest.mark.parametrize("capital", ["0", "-1", "1000000000000"])
def test_a_share_capital_that_is_not_a_positive_amount_is_refused(capital):
    provider = make_provider()
    provider.share_capital = Decimal(capital)
    assert "invalid_share_capital" in errors_of(provider)["share_capital"]


def test_one_cent_of_capital_and_none_for_an_individual_business_are_accepted():
    assert make_provider(share_capital=Decimal("0.01")).share_capital == Decimal("0.01")
    assert make_provider(legal_form="EI", share_capital=None, rcs_city="").share_capital is None


def test_the_legal_form_and_a_known_operation_category_are_required():
    provider = make_provider()
    provider.legal_form, provider.operation_category = "  ", "weapons"
    errors = errors_of(provider)
    assert "blank" in errors["legal_form"] and "invalid_choice" in errors["operation_category"]


def test_the_siren_is_still_checked_with_its_luhn_key():
    provider = make_provider()
    provider.siren, provider.siret = "812345677", "81234567700010"
    assert "invalid_siren" in errors_of(provider)["siren"]


def test_the_invoice_snapshot_keeps_every_mention():
    snapshot = seller_snapshot(make_provider(vat_on_debits=True, operation_category="mixed"))
    assert snapshot["legal_form"] == "SAS" and snapshot["share_capital"] == "10000.00"
    assert snapshot["rcs_city"] == "Paris" and snapshot["vat_on_debits"] is True
    assert snapshot["operation_category"] == "mixed"


@pytest.mark.parametrize(
    ("language", "label"),
    [("fr", "forme juridique"), ("de", "Rechtsform"), ("en", "legal form")],
)
def test_the_labels_speak_french_german_and_english(language, label):
    with translation.override(language):
        assert str(Provider._meta.get_field("legal_form").verbose_name) == label


def api_patch(client, provider, person, body):
    _token, secret = create_api_token(now=timezone.now(), person=person, name="t")
    return client.patch(
        f"/api/providers/{provider.pk}",
        data=json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )


def test_the_owner_sets_the_mentions_through_the_api_with_an_audit_entry(client):
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    body = {
        "legal_form": "SARL",
        "share_capital": "7500.50",
        "rcs_city": "RCS Lyon",
        "operation_category": "mixed",
        "vat_on_debits": True,
    }
    reply = api_patch(client, provider, owner, body)
    assert reply.status_code == 200, reply.content
    data = reply.json()
    assert data["rcs_city"] == "Lyon" and Decimal(data["share_capital"]) == Decimal("7500.50")
    assert data["vat_on_debits"] is True and data["operation_category"] == "mixed"
    entry = AuditEntry.objects.filter(action="provider.updated").get()
    assert "rcs_city" in entry.details["fields"]
    reply = api_patch(client, provider, owner, {"legal_form": "EI", "share_capital": None})
    assert reply.status_code == 200 and reply.json()["share_capital"] is None


@pytest.mark.parametrize(
    "body",
    [
        {"rcs_city": "Paris B 812 345 676"},
        {"share_capital": "-5"},
        {"share_capital": "1" * 100_000},
        {"operation_category": "weapons"},
        {"legal_form": ""},
        {"vat_on_debits": "perhaps"},
    ],
    ids=["rcs-number", "negative-capital", "huge-capital", "category", "blank-form", "not-bool"],
)
def test_bad_mentions_get_a_clear_error_and_change_nothing(client, body):
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    before = model_to_dict(Provider.objects.get(pk=provider.pk))
    reply = api_patch(client, provider, owner, body)
    assert 400 <= reply.status_code < 500, reply.content
    assert model_to_dict(Provider.objects.get(pk=provider.pk)) == before


def test_an_engineer_cannot_change_the_mentions(client):
    provider = make_provider()
    engineer = make_staff(provider, Role.ENGINEER)
    reply = api_patch(client, provider, engineer, {"legal_form": "SA"})
    assert reply.status_code == 403
    provider.refresh_from_db()
    assert provider.legal_form == "SAS"


def admin_form(provider: Provider, **changes) -> dict[str, object]:
    data = {k: v for k, v in model_to_dict(provider).items() if v is not None}
    data["created_at_0"], data["created_at_1"] = "2026-11-01", "10:00:00"
    data.pop("created_at", None)
    data.update(changes)
    return data


def test_the_back_office_validates_and_audits_the_mentions(client):
    provider = make_provider()
    owner = make_staff(provider, Role.OWNER)
    client.force_login(owner)
    url = reverse("admin:accounts_provider_change", args=[provider.pk])
    page = client.get(url)
    assert page.status_code == 200 and "Ville du greffe (RCS)" in page.content.decode()
    refused = client.post(url, admin_form(provider, rcs_city="Paris B 812 345 676"))
    assert refused.status_code == 200 and "n&#x27;est pas un nom de ville de greffe" in (
        refused.content.decode()
    )
    provider.refresh_from_db()
    assert provider.rcs_city == "Paris"
    saved = client.post(url, admin_form(provider, rcs_city="Marseille", vat_on_debits="on"))
    assert saved.status_code == 302
    provider.refresh_from_db()
    assert provider.rcs_city == "Marseille" and provider.vat_on_debits is True
    entry = AuditEntry.objects.get(action="provider.updated")
    assert entry.actor == owner and {"rcs_city", "vat_on_debits"} <= set(entry.details["fields"])
