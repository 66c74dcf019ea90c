"""pain.002 status reports: rejections and settlements, applied once, nothing lost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import (
    DebitCollection,
    DebitStatus,
    DirectDebit,
    Invoice,
    MandateStatus,
    Payment,
    SequenceType,
)
from clausier.billing.payments import sepa
from tests.billing.payloads import SECOND_PERIOD, at, coaching_client_on_direct_debit, load

pytestmark = pytest.mark.django_db
EXPORT_AT = at(date(2026, 3, 10))
REPORT_AT = at(date(2026, 3, 18))


def exported(service_line: str = ServiceLine.COACHING_TRAINING) -> dict:
    w = coaching_client_on_direct_debit(service_line)
    until = SECOND_PERIOD if service_line == ServiceLine.COACHING_TRAINING else date(2026, 4, 1)
    sepa.export_pain008(w["provider"], until, EXPORT_AT)
    w["collection"] = DebitCollection.objects.get(provider=w["provider"])
    return w


def rejection_report(w: dict, reason_code: str = "AM04") -> bytes:
    return load(
        "pain002_rejection.xml",
        message_id=w["collection"].message_id,
        end_to_end_id=w["second"].display_number,
        amount=str(w["second"].total_ttc),
        reason_code=reason_code,
    )


def test_a_rejected_coaching_debit_bills_the_rest_of_the_year_at_once():
    w = exported()
    report = sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    [debit] = report.rejected
    assert debit.status == DebitStatus.REJECTED
    assert debit.reason_code == "AM04"
    assert debit.reason == "Provision insuffisante"
    [accelerated] = report.accelerated
    lines = list(accelerated.lines.all())
    # Contract from 15 Feb 2026; 15 March rejected: 15 April 2026 … 15 January 2027.
    assert [line.period_start for line in lines] == [
        date(2026, 4, 15),
        date(2026, 5, 15),
        date(2026, 6, 15),
        date(2026, 7, 15),
        date(2026, 8, 15),
        date(2026, 9, 15),
        date(2026, 10, 15),
        date(2026, 11, 15),
        date(2026, 12, 15),
        date(2027, 1, 15),
    ]
    assert all(line.clause.startswith("Art. 9.1.3") for line in lines)
    assert accelerated.total_ht == Decimal("3900.00")
    assert accelerated.total_ttc == Decimal("4680.00")
    subscription = w["subscription"]
    subscription.refresh_from_db()
    assert subscription.billed_until == date(2027, 2, 15)
    # The billing run has nothing left to bill in this period.
    assert services.bill_due(now=at(date(2026, 6, 1)), until=date(2027, 1, 31)) == []
    # The rejected instalment itself stays due.
    assert services.balance_due(w["second"]) == Decimal("468.00")


def test_replaying_the_same_report_changes_nothing():
    w = exported()
    sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    again = sepa.import_rejections(w["provider"], rejection_report(w), at(date(2026, 3, 19)))
    assert again.rejected == [] and again.accelerated == []
    assert again.already_done == [w["second"].display_number]
    assert Invoice.objects.filter(idempotency_key__startswith="acceleration:").count() == 1


def test_a_rejection_of_a_mandate_that_is_gone_revokes_it():
    w = exported()
    sepa.import_rejections(w["provider"], rejection_report(w, "MD01"), REPORT_AT)
    w["mandate"].refresh_from_db()
    assert w["mandate"].status == MandateStatus.REVOKED


def test_a_rejected_first_debit_leaves_the_next_one_first_again():
    w = exported()
    sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    w["mandate"].refresh_from_db()
    assert w["mandate"].sequence_type == SequenceType.FIRST


def test_a_rejected_hosting_debit_bills_nothing_more():
    w = exported(ServiceLine.MANAGED_HOSTING)
    report = sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    assert len(report.rejected) == 1
    assert report.accelerated == []


def test_a_settled_status_records_the_payment_and_unknown_references_are_listed():
    w = exported()
    text = load(
        "pain002_settled.xml",
        message_id=w["collection"].message_id,
        end_to_end_id=w["second"].display_number,
    )
    report = sepa.import_rejections(w["provider"], text, REPORT_AT)
    assert [d.end_to_end_id for d in report.collected] == [w["second"].display_number]
    assert report.unknown == ["F2026-999999"]
    payment = Payment.objects.get(method="sepa")
    assert payment.reference == w["second"].display_number
    assert services.balance_due(w["second"]) == 0


def test_a_rejection_after_settlement_reverses_the_payment():
    w = exported()
    sepa.settle_due_debits(provider=w["provider"], now=at(date(2026, 3, 25)))
    assert services.balance_due(w["second"]) == 0
    assert Invoice.objects.get(pk=w["second"].pk).next_reminder_at is None  # paid
    report = sepa.import_rejections(w["provider"], rejection_report(w), at(date(2026, 4, 2)))
    assert len(report.rejected) == 1
    assert services.balance_due(w["second"]) == Decimal("468.00")
    assert Payment.objects.get(method="sepa-return").amount == Decimal("-468.00")
    # Due again: reminded again.
    assert Invoice.objects.get(pk=w["second"].pk).next_reminder_at is not None


def test_a_whole_file_rejected_rejects_each_of_its_debits():
    w = exported()
    text = load("pain002_group_rejected.xml", message_id=w["collection"].message_id)
    report = sepa.import_rejections(w["provider"], text, REPORT_AT)
    assert [d.reason_code for d in report.rejected] == ["FF01"]
    assert DirectDebit.objects.get().status == DebitStatus.REJECTED


def test_a_simple_csv_report_works_too():
    w = exported()
    text = load("bank_rejections.csv", end_to_end_id=w["second"].display_number)
    report = sepa.import_rejections(w["provider"], text, REPORT_AT)
    assert [d.reason_code for d in report.rejected] == ["MS02"]
    assert len(report.accelerated) == 1


@pytest.mark.parametrize(
    "text",
    [
        b"<Document><CstmrPmtStsRpt>",
        b'<?xml version="1.0"?><Document xmlns="urn:x"><Other/></Document>',
        "account;amount\n1;2\n",
    ],
)
def test_an_unreadable_report_is_refused_and_changes_nothing(text):
    w = exported()
    with pytest.raises(sepa.MalformedReport):
        sepa.import_rejections(w["provider"], text, REPORT_AT)
    assert DirectDebit.objects.get().status == DebitStatus.EXPORTED


def test_a_report_never_touches_another_providers_debits():
    w = exported()
    other = coaching_client_on_direct_debit()
    report = sepa.import_rejections(other["provider"], rejection_report(w), REPORT_AT)
    assert report.unknown == [w["second"].display_number]
    assert report.rejected == []
    assert DirectDebit.objects.get(provider=w["provider"]).status == DebitStatus.EXPORTED
