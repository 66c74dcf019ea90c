"""The plan catalogue: a client admin sees its provider's plans with price and clause,
subscribes once however many times the form is sent (its order key), is taken to the
first invoice; without accepted terms the plan points to the terms instead; another
client's plan or a forged form is refused without a 500."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from clausier.accounts.models import Role, ServiceLine
from clausier.billing.models import Invoice, Subscription
from tests.billing.builders import billing_world, coaching_plan
from tests.helpers import make_client, make_client_user, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(client):
    w = billing_world(ServiceLine.COACHING_TRAINING, timezone.now() - timedelta(days=1))
    client.force_login(w["admin"])
    return w


def _order_key(page: str) -> str:
    return page.split('name="order_key" value="')[1].split('"')[0]


def test_the_catalogue_shows_price_and_clause_and_orders_once(client, world):
    page = client.get("/formules/").content.decode()
    assert world["plan"].name in page and "Art. 8.2.3" in page
    key = _order_key(page)
    form = {"client": world["client"].pk, "order_key": key}
    first = client.post(f"/formules/{world['plan'].pk}/souscrire/", form)
    second = client.post(f"/formules/{world['plan'].pk}/souscrire/", form)  # double click
    invoice = Invoice.objects.get()
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"] == f"/factures/{invoice.pk}/"
    assert Subscription.objects.count() == 1
    # A new page has a new key: a deliberate second order is a second subscription.
    again = _order_key(client.get("/formules/").content.decode())
    assert again != key


def test_without_accepted_terms_the_plan_points_to_the_terms(client):
    provider = make_provider("Kestio")
    organisation = make_client(provider)
    admin = make_client_user(organisation, Role.CLIENT_ADMIN)
    coaching_plan(provider)
    client.force_login(admin)
    page = client.get("/formules/").content.decode()
    assert "Accepter les conditions d'abord" in page and "order_key" not in page
    answer = client.post(
        f"/formules/{provider.plans.get().pk}/souscrire/",
        {"client": organisation.pk, "order_key": "k" * 24},
        follow=True,
    )
    assert "accepter les conditions générales" in answer.content.decode()
    assert not Subscription.objects.exists()


def test_forged_or_foreign_orders_are_refused(client, world):
    other = make_provider("Autre")
    foreign = coaching_plan(other)
    url = f"/formules/{world['plan'].pk}/souscrire/"
    assert client.post(url, {"client": "x", "order_key": "k" * 24}).status_code == 404
    assert client.post(url, {"client": world["client"].pk, "order_key": ""}).status_code == 400
    assert (
        client.post(
            f"/formules/{foreign.pk}/souscrire/",
            {"client": world["client"].pk, "order_key": "k" * 24},
        ).status_code
        == 404
    )
    assert client.get(url).status_code == 405
    assert not Subscription.objects.exists()


def test_a_collaborator_is_told_the_admin_subscribes(client, world):
    member = make_client_user(world["client"], Role.CLIENT_MEMBER)
    client.force_login(member)
    page = client.get("/formules/").content.decode()
    assert "Votre administrateur souscrit les formules" in page
    answer = client.post(
        f"/formules/{world['plan'].pk}/souscrire/",
        {"client": world["client"].pk, "order_key": "k" * 24},
    )
    assert answer.status_code == 404
