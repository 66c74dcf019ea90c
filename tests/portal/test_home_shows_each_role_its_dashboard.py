"""The home page is a dashboard per role (issue 16), in a bounded number of queries.

A client administrator sees what needs action (terms to accept, unpaid and overdue
invoices, the missing SEPA mandate), the next invoice and the year's spend; a
collaborator is told who handles the invoices instead of "no invoice"; the owner sees
revenue, overdue and clients; the accountant the debits to match and rejected ones.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
import time_machine

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.balances import annotated_balance, with_balances
from clausier.billing.models import Invoice
from clausier.core import navigation
from clausier.core.formatting import format_money
from clausier.terms import services as terms_services
from tests.billing.builders import billing_world
from tests.helpers import make_client_user

pytestmark = pytest.mark.django_db

ORDER = datetime(2026, 1, 5, 10, tzinfo=UTC)
LATER = datetime(2026, 9, 15, 10, tzinfo=UTC)
# Each app's menu entry may ask the database one question (core.navigation predicates,
# on the request's reach: accounts.reach), never more, and never per row.
MENU_QUERIES = sum(1 for item in navigation.registered_items() if item.visible is not None)
# Person and reach (the session is read from the cache), the dashboard's reads, the
# memberships; never per invoice. tests/portal/test_signed_in_pages_read_little.py
# counts a page once the menu is known.
HOME_QUERIES = 12 + MENU_QUERIES
LIST_QUERIES = 4 + MENU_QUERIES


def _world(unpaid_periods: int) -> dict:
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    for _ in range(unpaid_periods):
        subscription.refresh_from_db()
        services.bill_next_period(now=ORDER, subscription=subscription)
    w["subscription"] = subscription
    return w


@pytest.mark.parametrize("unpaid", [1, 12])
def test_the_client_admin_sees_what_needs_action(client, django_assert_max_num_queries, unpaid):
    w = _world(unpaid)
    client.force_login(w["admin"])
    with time_machine.travel(LATER, tick=False), django_assert_max_num_queries(HOME_QUERIES):
        page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "En retard" in html
    assert "Aucun mandat de prélèvement SEPA actif" in html
    open_total = sum(
        (annotated_balance(i) for i in with_balances(Invoice.objects.all())), Decimal(0)
    )
    assert format_money(open_total, "EUR", "fr") in html
    assert "Prochaine facture" in html
    assert "Dépenses 2026" in html


def test_the_client_admin_is_asked_to_accept_new_terms(client):
    w = _world(0)
    owner = w["owner"]
    terms = terms_services.create_draft(
        now=ORDER,
        actor=owner,
        provider=w["provider"],
        service_line=ServiceLine.MANAGED_HOSTING,
        version="2026-09",
        pack_version="1.0",
        text_fr="CGV",
    )
    terms_services.publish(now=ORDER, actor=owner, terms=terms)
    client.force_login(w["admin"])
    html = client.get("/").content.decode()
    assert "Conditions générales 2026-09" in html
    assert f"/conditions/{terms.pk}/?client={w['client'].pk}" in html


def test_a_collaborator_is_told_who_handles_the_invoices(client, django_assert_max_num_queries):
    w = _world(2)
    member = make_client_user(w["client"], Role.CLIENT_MEMBER)
    client.force_login(member)
    with django_assert_max_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    assert "Votre administrateur gère les factures" in html
    assert w["admin"].email in html
    assert "Aucune facture" not in html
    # Invoices are the administrator's: not in the collaborator's menu.
    assert 'href="/factures/"' not in html


@pytest.mark.parametrize("unpaid", [1, 12])
def test_the_owner_sees_revenue_overdue_and_clients(client, django_assert_max_num_queries, unpaid):
    w = _world(unpaid)
    client.force_login(w["owner"])
    with time_machine.travel(LATER, tick=False), django_assert_max_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    year = sum(Invoice.objects.values_list("total_ttc", flat=True), Decimal(0))
    assert "Chiffre d&#x27;affaires 2026" in html or "Chiffre d'affaires 2026" in html
    assert format_money(year, "EUR", "fr") in html
    assert "Comptabilité" in html  # the owner also acts for billing


def test_the_accountant_sees_debits_to_match(client, django_assert_max_num_queries):
    w = _world(1)
    client.force_login(w["accountant"])
    with django_assert_max_num_queries(HOME_QUERIES):
        html = client.get("/").content.decode()
    assert "à rapprocher du relevé" in html
    assert "Aucun prélèvement rejeté" in html
    assert "Chiffre d" not in html


@pytest.mark.parametrize("unpaid", [2, 60])
def test_the_invoice_list_reads_balances_in_one_query(
    client, django_assert_max_num_queries, unpaid
):
    w = _world(unpaid)
    invoice = Invoice.objects.order_by("pk").last()
    services.record_payment(
        now=ORDER, invoice=invoice, amount=Decimal("10.00"), method="transfer", reference="p"
    )
    services.credit_note(
        now=ORDER, actor=w["accountant"], invoice=Invoice.objects.order_by("pk")[1], reason="x"
    )
    client.force_login(w["admin"])
    with django_assert_max_num_queries(LIST_QUERIES):
        page = client.get("/factures/")
    html = page.content.decode()
    assert format_money(services.balance_due(invoice), "EUR", "fr") in html
    for row in with_balances(Invoice.objects.all()):
        assert annotated_balance(row) == services.balance_due(row)
    if unpaid > 50:
        assert "Page 1 sur 2" in html
        assert client.get("/factures/?page=2").status_code == 200
