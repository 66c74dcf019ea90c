"""Termination by the client: coaching balance of instalments (art. 9.1.3, 17), managed
hosting online termination without refund (art. 9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
import time_machine

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import Invoice
from clausier.billing.termination import terminate
from clausier.core.formatting import format_money
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


def started(service_line: str):
    w = billing_world(service_line, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    subscription.refresh_from_db()
    return w, subscription


def test_early_coaching_termination_bills_the_rest_of_the_commitment():
    w, subscription = started(ServiceLine.COACHING_TRAINING)
    assert subscription.start_date == date(2026, 1, 5)
    notice = datetime(2026, 4, 20, 10, tzinfo=UTC)
    end, balance = terminate(now=notice, actor=w["admin"], subscription=subscription)
    assert end == date(2027, 1, 5)  # the end of the 12-month commitment
    # Ordinary instalments up to the notice day (Feb, Mar, Apr 5) were issued first...
    ordinary = Invoice.objects.exclude(pk=balance.pk).exclude(idempotency_key__startswith="late")
    assert ordinary.count() == 4
    # ...then the 8 instalments from May to December in one invoice.
    [line] = balance.lines.all()
    assert line.quantity == 8 and line.total_ht == Decimal("3120.00")
    assert line.clause.startswith("Art. 9.1.3")
    assert services.bill_due(now=notice, until=date(2027, 6, 1)) == []


def test_force_majeure_releases_the_balance():
    w, subscription = started(ServiceLine.COACHING_TRAINING)
    _end, balance = terminate(
        now=datetime(2026, 4, 20, 10, tzinfo=UTC),
        actor=w["admin"],
        subscription=subscription,
        force_majeure=True,
    )
    assert balance is None


def test_hosting_termination_runs_to_the_end_of_the_paid_period_without_refund():
    w, subscription = started(ServiceLine.MANAGED_HOSTING)
    assert subscription.billed_until == date(2026, 4, 1)
    end, balance = terminate(
        now=datetime(2026, 2, 10, 10, tzinfo=UTC), actor=w["admin"], subscription=subscription
    )
    assert (end, balance) == (date(2026, 4, 1), None)
    assert services.bill_due(now=ORDER, until=date(2026, 12, 31)) == []
    assert not Invoice.objects.filter(kind="credit_note").exists()


def test_a_member_cannot_terminate_and_twice_is_refused():
    w, subscription = started(ServiceLine.MANAGED_HOSTING)
    from tests.helpers import make_client_user

    member = make_client_user(w["client"])
    with pytest.raises(NotAllowed):
        terminate(now=ORDER, actor=member, subscription=subscription)
    terminate(now=ORDER, actor=w["admin"], subscription=subscription)
    subscription.refresh_from_db()
    with pytest.raises(BillingError, match="déjà résilié"):
        terminate(now=ORDER, actor=w["admin"], subscription=subscription)


def test_the_client_admin_terminates_online_in_the_portal(client):
    w, subscription = started(ServiceLine.MANAGED_HOSTING)
    client.force_login(w["admin"])
    assert "Résilier" in client.get("/abonnements/").content.decode()
    client.post(f"/abonnements/{subscription.pk}/resilier/", {})
    subscription.refresh_from_db()
    assert subscription.end_date is None  # not without the confirmation
    page = client.post(f"/abonnements/{subscription.pk}/resilier/", {"confirm": "yes"}, follow=True)
    assert "Résiliation enregistrée" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.end_date == date(2026, 4, 1)


@pytest.mark.parametrize("language", ["fr", "de", "en"])
def test_the_portal_shows_the_remaining_schedule_before_the_client_confirms(client, language):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER, "1.1")
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    w["admin"].language = language
    w["admin"].save()
    client.force_login(w["admin"])
    with time_machine.travel(datetime(2026, 4, 20, 10, tzinfo=UTC), tick=False):
        page = client.get(
            f"/abonnements/{subscription.pk}/resilier/", HTTP_ACCEPT_LANGUAGE=language
        )
        html = page.content.decode()
        assert page.status_code == 200
        # Eight monthly instalments, 5 May to 5 December 2026, 390.00 each: 3120.00.
        # Amounts follow the reader's locale, never wrapping (390,00\u00a0€ in French,
        # €390.00 in English: core.formatting).
        assert html.count(format_money(Decimal("390.00"), "EUR", language)) == 8
        assert format_money(Decimal("3120.00"), "EUR", language) in html
        assert "Art. 9.1.3" in html
        expected = {
            "fr": "Chacune reste facturée et payable à sa date",
            "de": "Jede wird weiterhin zu ihrem Termin",
            "en": "Each stays invoiced and payable on its own date",
        }[language]
        assert expected in html
        subscription.refresh_from_db()
        assert subscription.end_date is None  # looking changes nothing
        client.post(f"/abonnements/{subscription.pk}/resilier/", {"confirm": "yes"})
    subscription.refresh_from_db()
    assert subscription.end_date == date(2027, 1, 5)
    assert not Invoice.objects.filter(idempotency_key__startswith="termination").exists()
