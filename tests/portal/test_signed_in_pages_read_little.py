"""A signed-in page pays little before its own work (issue 16, docs/portal.md "Speed").

The session comes from the cache (cached_db), the person and their live memberships are
read once (EmailBackend.get_user keeps the reach for the menus and every selector), and
the apps' menu entries are kept per person and per set of roles for NAV_CACHE_SECONDS:
a membership granted or revoked changes the menu on the next page.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from clausier.accounts.models import Membership, Role, ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.balances import annotated_balance, with_balances
from clausier.billing.models import Invoice
from clausier.core import navigation
from clausier.core.navigation import NavItem, register
from tests.billing.builders import billing_world
from tests.helpers import make_client, make_client_user

pytestmark = pytest.mark.django_db

ORDER = datetime(2026, 1, 5, 10, tzinfo=UTC)
# The person and their memberships; nothing else before the page's own queries.
SIGNED_IN = 2
ASKED: list[int] = []
SHOWN = {"value": True}


def probe_entry(request):
    ASKED.append(request.user.pk)
    return SHOWN["value"]


@pytest.fixture
def probe(monkeypatch):
    monkeypatch.setattr(navigation, "_REGISTRY", dict(navigation._REGISTRY))
    register(
        NavItem(
            "test.probe",
            "Sonde",
            "portal:terms",
            order=999,
            visible="tests.portal.test_signed_in_pages_read_little.probe_entry",
        )
    )
    ASKED.clear()
    SHOWN["value"] = True
    return ASKED


def _world(periods: int) -> dict:
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    for _ in range(periods):
        subscription.refresh_from_db()
        services.bill_next_period(now=ORDER, subscription=subscription)
    return w


@pytest.mark.parametrize("periods", [2, 60])
def test_the_invoice_list_costs_four_queries_once_the_menu_is_known(
    client, django_assert_max_num_queries, periods
):
    w = _world(periods)
    client.force_login(w["admin"])
    assert client.get("/factures/").status_code == 200  # the menu, asked once
    # Person, memberships, the count for the pager, the page with its balances.
    with django_assert_max_num_queries(SIGNED_IN + 2):
        html = client.get("/factures/").content.decode()
    shown = list(with_balances(Invoice.objects.order_by("-issued_at", "-pk"))[:50])
    assert len(shown) == min(periods + 1, 50)
    for invoice in shown:
        assert f"/factures/{invoice.pk}/" in html
        assert annotated_balance(invoice) == services.balance_due(invoice)


@pytest.mark.parametrize("more", [0, 54])
def test_the_subscriptions_page_costs_four_queries_and_pages_by_fifty(
    client, django_assert_max_num_queries, more
):
    w = _world(1)
    for _ in range(more):
        services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    client.force_login(w["owner"])
    client.get("/abonnements/")
    # Person, memberships, the count for the pager, the page.
    with django_assert_max_num_queries(SIGNED_IN + 2):
        html = client.get("/abonnements/").content.decode()
    assert w["client"].legal_name in html
    rows = html.count('<td data-label="Organisation">')
    assert rows == min(more + 1, 50)
    if more:
        assert 'rel="next"' in html and "Page 1 sur 2" in html
        second = client.get("/abonnements/?page=2").content.decode()
        assert second.count('<td data-label="Organisation">') == more + 1 - 50
        assert 'rel="prev"' in second and 'rel="next"' not in second
    else:
        assert "Page 1 sur" not in html


def test_the_menu_is_asked_once_per_person_and_roles(client, probe):
    w = _world(0)
    client.force_login(w["admin"])
    assert "Sonde" in client.get("/").content.decode()
    assert "Sonde" in client.get("/factures/").content.decode()
    assert probe == [w["admin"].pk]  # kept for the second page

    # The entry's own data changes: the menu follows within NAV_CACHE_SECONDS.
    SHOWN["value"] = False
    assert "Sonde" in client.get("/factures/").content.decode()

    # A role granted changes the key: asked again at once.
    other = make_client(w["provider"], "Fournil")
    Membership.objects.create(
        person=w["admin"], provider=w["provider"], client=other, role=Role.CLIENT_ADMIN
    )
    assert "Sonde" not in client.get("/factures/").content.decode()
    assert probe == [w["admin"].pk, w["admin"].pk]


def test_a_revoked_membership_signs_out_at_the_next_page(client):
    w = _world(0)
    member = make_client_user(w["client"], Role.CLIENT_ADMIN)
    client.force_login(member)
    assert client.get("/factures/").status_code == 200
    Membership.objects.filter(person=member).update(revoked_at=timezone.now())
    page = client.get("/factures/")
    assert page.status_code == 302
    assert "/connexion/" in page["Location"]


def test_the_menu_is_kept_per_person(client, probe):
    w = _world(0)
    second = make_client_user(w["client"], Role.CLIENT_ADMIN)
    client.force_login(w["admin"])
    client.get("/")
    client.force_login(second)
    client.get("/")
    assert probe == [w["admin"].pk, second.pk]
