"""The client admin signs a SEPA mandate in two clicks: the IBAN is checked (schwifty)
before the review, the second click records one mandate however often it is sent, the
mandate is audited and downloadable as a PDF; a bad IBAN is a 400; a collaborator or
another client never reaches it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.accounts.models import Role, ServiceLine
from clausier.billing.models_payments import Mandate
from clausier.core.models import AuditEntry
from tests.billing.builders import billing_world
from tests.helpers import make_client_user

pytestmark = pytest.mark.django_db
IBAN = "FR76 3000 6000 0112 3456 7890 189"


@pytest.fixture
def world(client):
    w = billing_world(ServiceLine.COACHING_TRAINING, timezone.now() - timedelta(days=1))
    client.force_login(w["admin"])
    return w


def test_review_then_sign_once_then_download(client, world):
    review = client.post("/mandat/", {"step": "review", "iban": IBAN, "holder": "Boulangerie"})
    page = review.content.decode()
    assert review.status_code == 200 and "FR76 •••• 0189" in page and "8 semaines" in page
    key = page.split('name="sign_key" value="')[1].split('"')[0]
    form = {"step": "sign", "sign_key": key, "iban": "FR7630006000011234567890189", "holder": "B"}
    assert client.post("/mandat/", form).status_code == 302
    assert client.post("/mandat/", form).status_code == 302  # the double click
    mandate = Mandate.objects.get()
    assert mandate.client == world["client"] and mandate.iban == "FR7630006000011234567890189"
    assert AuditEntry.objects.filter(action="sepa.mandate.created", actor=world["admin"]).exists()
    assert mandate.reference in client.get("/mandat/").content.decode()
    pdf = client.get(f"/mandat/{mandate.pk}/pdf/")
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize(
    "data",
    [
        {"step": "review", "iban": "FR76 3000 6000 0112 3456 7890 188"},
        {"step": "review", "iban": ""},
        {"step": "review", "iban": IBAN, "bic": "NOTABIC!"},
        {"step": "sign", "iban": IBAN, "sign_key": "short"},
        {"step": "other", "iban": IBAN},
    ],
)
def test_bad_input_is_a_400(client, world, data):
    assert client.post("/mandat/", data).status_code == 400
    assert not Mandate.objects.exists()


def test_a_collaborator_cannot_sign(client, world):
    client.force_login(make_client_user(world["client"], Role.CLIENT_MEMBER))
    assert client.get("/mandat/").status_code == 404
    assert client.post("/mandat/", {"step": "review", "iban": IBAN}).status_code == 404
