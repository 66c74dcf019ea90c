"""Billing "terme à échoir": hosting by calendar quarters (art. 8.3), coaching by
instalments from the payment of the first invoice (art. 8.2.3, 9.1.1)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import Invoice, Subscription, SubscriptionStatus
from clausier.terms.services import TermsNotAccepted
from tests.billing.builders import billing_world, hosting_plan
from tests.helpers import make_client

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)


def pay(invoice: Invoice, at: datetime) -> None:
    services.record_payment(
        now=at,
        invoice=invoice,
        amount=invoice.total_ttc,
        method="transfer",
        reference=f"ref-{invoice.pk}",
    )


def test_hosting_first_quarter_is_prorated_then_calendar_quarters():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    [first] = Invoice.objects.all()
    [line] = first.lines.all()
    # Q1 2026 has 90 days; 15 Feb → 31 Mar is 45 of them: half of 300.00.
    assert line.total_ht == Decimal("150.00")
    assert (line.period_start, line.period_end) == (date(2026, 2, 15), date(2026, 3, 31))
    assert line.clause == "Art. 8.3 — Paiements"
    assert (first.total_vat, first.total_ttc) == (Decimal("30.00"), Decimal("180.00"))
    assert services.bill_due(now=ORDER, until=date(2026, 12, 31)) == []  # not started: not paid yet

    pay(first, datetime(2026, 2, 16, 8, tzinfo=UTC))
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.billed_until == date(2026, 4, 1)
    assert services.bill_due(now=ORDER, until=date(2026, 3, 31)) == []  # the day before
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))  # the day of
    [q2_line] = q2.lines.all()
    assert (q2_line.period_start, q2_line.period_end, q2_line.total_ht) == (
        date(2026, 4, 1),
        date(2026, 6, 30),
        Decimal("300.00"),
    )
    assert q2.due_on == date(2026, 4, 1)  # payable on the first day of the period


def test_a_run_is_idempotent():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    pay(Invoice.objects.get(), ORDER)
    assert len(services.bill_due(now=ORDER, until=date(2026, 12, 31))) == 3  # Q2, Q3, Q4
    assert services.bill_due(now=ORDER, until=date(2026, 12, 31)) == []
    assert Invoice.objects.count() == 4
    assert sorted(Invoice.objects.values_list("number", flat=True)) == [1, 2, 3, 4]
    subscription.refresh_from_db()
    assert subscription.billed_until == date(2027, 1, 1)


def test_coaching_starts_at_payment_of_the_first_invoice():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    assert subscription.status == SubscriptionStatus.PENDING and subscription.start_date is None
    pay(Invoice.objects.get(), datetime(2026, 3, 10, 14, tzinfo=UTC))
    subscription.refresh_from_db()
    assert subscription.start_date == date(2026, 3, 10)
    assert subscription.billed_until == date(2026, 4, 10)
    invoices = services.bill_due(now=ORDER, until=date(2026, 6, 10))
    assert [i.lines.get().period_start for i in invoices] == [
        date(2026, 4, 10),
        date(2026, 5, 10),
        date(2026, 6, 10),
    ]
    assert all(i.lines.get().clause.startswith("Art. 8.2.3") for i in invoices)


def test_month_end_anniversaries_do_not_drift():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    pay(Invoice.objects.get(), datetime(2026, 1, 31, 12, tzinfo=UTC))
    subscription.refresh_from_db()
    invoices = services.bill_due(now=ORDER, until=date(2026, 5, 31))
    starts = [i.lines.get().period_start for i in invoices]
    assert starts == [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30), date(2026, 5, 31)]


def test_subscribing_needs_accepted_terms():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    other = make_client(w["provider"], "Fromagerie")
    with pytest.raises(TermsNotAccepted):
        services.subscribe(now=ORDER, actor=w["owner"], client=other, plan=w["plan"])
    assert not Subscription.objects.filter(client=other).exists()


def test_a_setup_fee_is_billed_once_with_the_first_invoice():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    vps = hosting_plan(w["provider"], code="vps", name="VPS", setup_fee_ht=Decimal("49.00"))
    services.subscribe(now=ORDER, actor=w["owner"], client=w["client"], plan=vps)
    first = Invoice.objects.get()
    assert [line.total_ht for line in first.lines.all()] == [Decimal("150.00"), Decimal("49.00")]
    pay(first, ORDER)
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    assert q2.lines.count() == 1


def test_the_invoice_keeps_seller_and_buyer_as_they_were():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    w["client"].legal_name = "Nouveau nom"
    w["client"].save()
    invoice = Invoice.objects.get()
    assert invoice.buyer["legal_name"].startswith("Boulangerie")
    assert invoice.seller["siren"] == w["provider"].siren


def test_staff_bill_from_the_back_office(client):
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    pay(Invoice.objects.get(), ORDER)
    client.force_login(w["accountant"])
    response = client.post(
        "/admin/billing/subscription/",
        {"action": "bill_due_today", "_selected_action": [subscription.pk]},
        follow=True,
    )
    assert response.status_code == 200
    assert Invoice.objects.count() > 1  # every quarter up to today
    subscription.refresh_from_db()
    assert subscription.billed_until > local_date(timezone.now())
