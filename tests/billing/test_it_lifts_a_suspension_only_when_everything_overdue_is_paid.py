"""Managed hosting art. 8.3: interventions stay suspendable until every overdue invoice
of the client is paid, the late-payment invoice (interest and indemnity) included."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice
from clausier.billing.payments import dunning
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_paying_the_principal_late_leaves_the_late_payment_invoice_to_pay():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    client = w["client"]
    subscription = services.subscribe(now=ORDER, actor=w["admin"], client=client, plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))  # due 1 April
    assert dunning.interventions_suspended(client, at(date(2026, 4, 1))) is False
    assert dunning.interventions_suspended(client, at(date(2026, 4, 2))) is True
    # Paid on 20 April, 19 days late: a late-payment invoice falls due that day.
    services.record_payment(
        now=at(date(2026, 4, 20)),
        invoice=q2,
        amount=q2.total_ttc,
        method="transfer",
        reference="q2",
    )
    late = Invoice.objects.exclude(pk__in=[first.pk, q2.pk]).get()
    assert late.due_on == date(2026, 4, 20) and late.total_ttc > 0
    assert not late.lines.filter(subscription=subscription).exists()
    # Its due day: not overdue yet, nothing else unpaid.
    assert dunning.interventions_suspended(client, at(date(2026, 4, 20))) is False
    # The day after, the unpaid interest and indemnity keep the suspension.
    assert dunning.interventions_suspended(client, at(date(2026, 4, 21))) is True
    services.record_payment(
        now=at(date(2026, 4, 22)),
        invoice=late,
        amount=late.total_ttc,
        method="transfer",
        reference="l",
    )
    assert dunning.interventions_suspended(client, at(date(2026, 4, 22))) is False


def test_a_partial_payment_does_not_lift_it():
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    client = w["client"]
    services.subscribe(now=ORDER, actor=w["admin"], client=client, plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    [q2] = services.bill_due(now=ORDER, until=date(2026, 4, 1))
    services.record_payment(
        now=at(date(2026, 4, 5)),
        invoice=q2,
        amount=q2.total_ttc - 1,
        method="transfer",
        reference="p",
    )
    assert dunning.interventions_suspended(client, at(date(2026, 4, 5))) is True
