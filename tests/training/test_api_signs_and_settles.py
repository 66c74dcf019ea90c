"""The API journey: the participant signs, the trainer validates, the client admin reads
the quote's hours, staff settle; bad input answers 4xx, never 500."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from clausier.accounts import services as accounts_services
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import AFTER, ORDERED, training_world

pytestmark = pytest.mark.django_db


def bearer(person):
    _token, secret = accounts_services.create_api_token(now=timezone.now(), person=person, name="t")
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def post(client, path, who, body=None):
    return client.post(path, data=json.dumps(body or {}), content_type="application/json", **who)


def test_sign_validate_and_read_through_the_api(client):
    w = training_world()
    quote = quote_of(w, w["alice"])
    alice, coach, admin = bearer(w["alice"]), bearer(w["coach"]), bearer(w["admin"])
    accountant = bearer(w["accountant"])
    slots = list(w["session"].slots.order_by("starts_at"))
    enrolment = quote.enrolments.get()
    with time_machine.travel(ORDERED, tick=False):
        progress = post(
            client,
            f"/api/training/enrolments/{enrolment.pk}/modules/{w['module'].pk}/progress",
            alice,
            {"minutes": 61, "completed": True},
        )
        assert progress.status_code == 200 and progress.json()["completed"]
    for slot in slots:
        with time_machine.travel(slot.starts_at + timedelta(minutes=5), tick=False):
            signed = post(client, f"/api/training/slots/{slot.pk}/sign", alice)
            assert signed.status_code == 201, signed.content
            again = post(client, f"/api/training/slots/{slot.pk}/sign", alice)
            assert again.status_code == 400 and again.json()["code"] == "already_signed"
            assert post(client, f"/api/training/slots/{slot.pk}/validate", alice).status_code == 403
        with time_machine.travel(slot.ends_at, tick=False):
            assert post(client, f"/api/training/slots/{slot.pk}/validate", coach).status_code == 201
    read = client.get(f"/api/training/quotes/{quote.pk}", **admin).json()
    assert Decimal(read["enrolments"][0]["done_hours"]) == Decimal("15.00")
    with time_machine.travel(AFTER, tick=False):
        assert post(client, f"/api/training/quotes/{quote.pk}/settle", admin).status_code == 403
        settled = post(client, f"/api/training/quotes/{quote.pk}/settle", accountant).json()
    assert settled["status"] == "billed" and settled["client_invoice_id"]


def test_bad_input_is_a_4xx(client):
    w = training_world(price="1000.00")
    quote = quote_of(w)
    admin = bearer(w["admin"])
    with time_machine.travel(ORDERED, tick=False):
        low = post(
            client,
            f"/api/training/quotes/{quote.pk}/funding",
            admin,
            {"funder_id": w["funder"].pk, "file_number": "F", "amount_ht": "2000.00"},
        )
        assert low.status_code == 400 and low.json()["code"] == "below_subrogation_minimum"
        garbage = post(client, f"/api/training/quotes/{quote.pk}/funding", admin, {"x": 1})
        assert garbage.status_code == 422
        missing = post(
            client,
            f"/api/training/quotes/{quote.pk}/funding",
            admin,
            {"funder_id": 999999, "file_number": "F", "amount_ht": "2000.00"},
        )
        assert missing.status_code == 404
