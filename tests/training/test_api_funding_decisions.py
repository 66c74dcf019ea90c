"""The OPCO's agreement and refusal through the API (art. 8.2.4): the provider's staff
record them with the same service, checks and audit as the quote page's forms; a client
admin is refused (403), bad input is a 4xx with a clear code, never a 500."""

from __future__ import annotations

from decimal import Decimal

import pytest
import time_machine

from clausier.core.models import AuditEntry
from clausier.training.models import FundingRequest
from tests.training.test_api_signs_and_settles import bearer, post
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import FIRST_START, ORDERED, training_world

pytestmark = pytest.mark.django_db

AGREEMENT = {
    "reference": "ACC-2026-17",
    "covered_ht": "3000.00",
    "covered_hours": "30.00",
    "received_at": "2026-03-08T10:00:00+01:00",
}


def _requested(client, w):
    quote = quote_of(w)
    with time_machine.travel(ORDERED, tick=False):
        asked = post(
            client,
            f"/api/training/quotes/{quote.pk}/funding",
            bearer(w["admin"]),
            {"funder_id": w["funder"].pk, "file_number": "OPCO-42", "amount_ht": "3200.00"},
        )
    assert asked.status_code == 201, asked.content
    return quote


def test_staff_record_the_agreement_received_the_day_before_the_start(client):
    w = training_world()
    quote = _requested(client, w)
    path = f"/api/training/quotes/{quote.pk}/funding/agreement"
    with time_machine.travel(FIRST_START.replace(day=8, hour=12), tick=False):
        refused = post(client, path, bearer(w["admin"]), AGREEMENT)
        assert refused.status_code == 403
        done = post(client, path, bearer(w["owner"]), AGREEMENT)
        assert done.status_code == 200, done.content
        funding = done.json()["funding"]
        assert funding["agreement_reference"] == "ACC-2026-17"
        assert Decimal(funding["covered_ht"]) == Decimal("3000.00")
        assert Decimal(funding["covered_hours"]) == Decimal("30.00")
        again = post(client, path, bearer(w["owner"]), AGREEMENT)
        assert again.status_code == 400 and again.json()["code"] == "duplicate"
    request = FundingRequest.objects.get(quote=quote)
    assert request.agreement_received_at.isoformat() == "2026-03-08T09:00:00+00:00"
    entry = AuditEntry.objects.get(action="training.agreement_recorded")
    assert entry.actor == w["owner"] and entry.object_id == str(request.pk)


def test_staff_record_the_refusal_and_the_agreement_is_then_refused(client):
    w = training_world()
    quote = _requested(client, w)
    owner = bearer(w["owner"])
    with time_machine.travel(ORDERED.replace(day=20), tick=False):
        refusal = post(
            client,
            f"/api/training/quotes/{quote.pk}/funding/refusal",
            owner,
            {"reason": "Hors barème", "received_at": "2026-01-19T15:00:00+01:00"},
        )
        assert refusal.status_code == 200, refusal.content
        late = post(
            client,
            f"/api/training/quotes/{quote.pk}/funding/agreement",
            owner,
            AGREEMENT | {"received_at": "2026-01-19T16:00:00+01:00"},
        )
    assert late.status_code == 400 and late.json()["code"] == "refused"
    request = FundingRequest.objects.get(quote=quote)
    assert request.refusal_reason == "Hors barème"
    entry = AuditEntry.objects.get(action="training.funding_refused")
    assert entry.details["clause"] == "Art. 8.2.4"


def test_bad_agreements_are_4xx_with_a_code(client):
    w = training_world()
    owner = bearer(w["owner"])
    bare = quote_of(w, w["alice"])
    with time_machine.travel(ORDERED, tick=False):
        none = post(client, f"/api/training/quotes/{bare.pk}/funding/agreement", owner, AGREEMENT)
    assert none.status_code == 400 and none.json()["code"] == "no_funding_request"
    w2 = training_world()
    quote = _requested(client, w2)
    owner = bearer(w2["owner"])
    path = f"/api/training/quotes/{quote.pk}/funding/agreement"
    with time_machine.travel(ORDERED, tick=False):
        naive = post(client, path, owner, AGREEMENT | {"received_at": "2026-01-05T08:00:00"})
        assert naive.status_code == 422 and "received_at" in naive.json()["fields"]
        future = post(client, path, owner, AGREEMENT | {"received_at": "2026-01-06T08:00:00Z"})
        assert future.status_code == 400 and "futur" in future.json()["message"]
        for field, value in (("covered_ht", "-1"), ("covered_hours", "0"), ("reference", "")):
            wrong = post(
                client,
                path,
                owner,
                AGREEMENT | {field: value, "received_at": "2026-01-05T07:00:00Z"},
            )
            assert wrong.status_code == 422, (field, wrong.content)
        extra = post(client, path, owner, AGREEMENT | {"covered": "1"})
        assert extra.status_code == 422
        huge = post(client, path, owner, AGREEMENT | {"covered_ht": "1e30"})
        assert huge.status_code == 422
    assert not FundingRequest.objects.get(quote=quote).has_agreement
