"""pain.008: every issued invoice with a balance and an active mandate, presented once."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import (
    CreditorSettings,
    DebitCollection,
    DebitStatus,
    DirectDebit,
    Invoice,
    Payment,
    SequenceType,
)
from clausier.billing.payments import sepa
from tests.billing.payloads import ORDER, SECOND_PERIOD, at, coaching_client_on_direct_debit
from tests.helpers import accepted_terms, make_client

pytestmark = pytest.mark.django_db
NS = {"p": "urn:iso:std:iso:20022:tech:xsd:pain.008.001.02"}
EXPORT_AT = at(date(2026, 3, 10))


def test_it_exports_a_schema_valid_file_citing_the_invoice_and_the_mandate():
    w = coaching_client_on_direct_debit()
    xml = sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    doc = etree.fromstring(xml)
    [tx] = doc.findall(".//p:DrctDbtTxInf", NS)
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == w["second"].display_number
    assert tx.findtext("p:InstdAmt", namespaces=NS) == "468.00"
    assert tx.findtext(".//p:MndtId", namespaces=NS) == "RUM-KESTIO-0001"
    assert tx.findtext(".//p:DtOfSgntr", namespaces=NS) == "2026-02-15"
    assert tx.findtext(".//p:DbtrAcct/p:Id/p:IBAN", namespaces=NS) == w["mandate"].iban
    assert doc.findtext(".//p:PmtTpInf/p:SeqTp", namespaces=NS) == "FRST"
    assert doc.findtext(".//p:ReqdColltnDt", namespaces=NS) == "2026-03-15"
    assert (
        doc.findtext(".//p:CdtrSchmeId/p:Id/p:PrvtId/p:Othr/p:Id", namespaces=NS) == "FR72ZZZ123456"
    )
    assert doc.findtext(".//p:GrpHdr/p:CreDtTm", namespaces=NS) == "2026-03-10T10:00:00"
    [debit] = DirectDebit.objects.all()
    assert debit.invoice == w["second"]
    assert debit.status == DebitStatus.EXPORTED
    assert debit.amount == Decimal("468.00")
    collection = DebitCollection.objects.get()
    assert collection.xml.encode() == xml
    assert doc.findtext(".//p:GrpHdr/p:MsgId", namespaces=NS) == collection.message_id
    w["mandate"].refresh_from_db()
    assert w["mandate"].sequence_type == SequenceType.RECURRING


def test_exporting_again_presents_nothing_twice_and_later_debits_are_recurrent():
    w = coaching_client_on_direct_debit()
    sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    with pytest.raises(sepa.NothingToCollect):
        sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    assert DirectDebit.objects.count() == 1
    [third] = services.bill_due(now=at(date(2026, 4, 1)), until=date(2026, 4, 15))
    xml = sepa.export_pain008(w["provider"], date(2026, 4, 30), at(date(2026, 4, 2)))
    doc = etree.fromstring(xml)
    [tx] = doc.findall(".//p:DrctDbtTxInf", NS)
    assert tx.findtext("p:PmtId/p:EndToEndId", namespaces=NS) == third.display_number
    assert doc.findtext(".//p:PmtTpInf/p:SeqTp", namespaces=NS) == "RCUR"
    assert DebitCollection.objects.count() == 2


def test_paid_invoices_and_clients_without_an_active_mandate_are_left_out():
    w = coaching_client_on_direct_debit()
    services.record_payment(
        now=EXPORT_AT,
        invoice=w["second"],
        amount=w["second"].total_ttc,
        method="transfer",
        reference="VIR-2",
    )
    with pytest.raises(sepa.NothingToCollect):
        sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    other = coaching_client_on_direct_debit()
    sepa.revoke_mandate(now=EXPORT_AT, mandate=other["mandate"], reason="révoqué")
    with pytest.raises(sepa.NothingToCollect):
        sepa.export_pain008(other["provider"], SECOND_PERIOD, EXPORT_AT)


def test_invoices_due_later_wait_for_their_collection():
    w = coaching_client_on_direct_debit()
    with pytest.raises(sepa.NothingToCollect):
        sepa.export_pain008(w["provider"], date(2026, 3, 14), EXPORT_AT)


def test_a_collection_date_in_the_past_moves_to_the_next_day():
    w = coaching_client_on_direct_debit()
    xml = sepa.export_pain008(w["provider"], SECOND_PERIOD, at(date(2026, 3, 20)))
    assert b"<ReqdColltnDt>2026-03-21</ReqdColltnDt>" in xml


def test_without_a_creditor_identifier_it_says_what_is_missing():
    w = coaching_client_on_direct_debit()
    CreditorSettings.objects.filter(provider=w["provider"]).delete()
    w["provider"].refresh_from_db()
    with pytest.raises(BillingError) as caught:
        sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    assert caught.value.code == "no_creditor_id"
    assert not DirectDebit.objects.exists()


def test_a_debit_not_rejected_after_settlement_records_its_payment_once():
    w = coaching_client_on_direct_debit()
    sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT)
    assert sepa.settle_due_debits(provider=w["provider"], now=at(date(2026, 3, 19))) == []
    [payment] = sepa.settle_due_debits(provider=w["provider"], now=at(date(2026, 3, 20)))
    assert sepa.settle_due_debits(provider=w["provider"], now=at(date(2026, 3, 21))) == []
    assert payment.method == "sepa"
    assert payment.reference == w["second"].display_number
    assert payment.amount == Decimal("468.00")
    assert services.balance_due(w["second"]) == 0
    assert DirectDebit.objects.get().status == DebitStatus.COLLECTED
    assert Payment.objects.filter(method="sepa").count() == 1


def test_hosting_invoices_are_collected_too():
    w = coaching_client_on_direct_debit(ServiceLine.MANAGED_HOSTING)
    xml = sepa.export_pain008(w["provider"], date(2026, 4, 1), at(date(2026, 3, 25)))
    assert w["second"].display_number.encode() in xml


def test_two_clients_share_one_batch_and_the_control_sums_add_up():
    w = coaching_client_on_direct_debit()
    client = make_client(w["provider"], "Fromagerie")
    accepted_terms(client, ServiceLine.COACHING_TRAINING, ORDER)
    subscription = services.subscribe(now=ORDER, actor=w["owner"], client=client, plan=w["plan"])
    first = Invoice.objects.get(lines__subscription=subscription)
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="VIR-F"
    )
    subscription.refresh_from_db()
    services.bill_next_period(now=at(date(2026, 3, 1)), subscription=subscription)
    sepa.create_mandate(
        now=ORDER,
        client=client,
        reference="RUM-KESTIO-0002",
        iban="DE89370400440532013000",
        bic="COBADEFFXXX",
        debtor_name="Fromagerie Müller & Söhne",
        signed_on=date(2026, 2, 20),
    )
    doc = etree.fromstring(sepa.export_pain008(w["provider"], SECOND_PERIOD, EXPORT_AT))
    [batch] = doc.findall(".//p:PmtInf", NS)
    assert batch.findtext("p:NbOfTxs", namespaces=NS) == "2"
    assert batch.findtext("p:CtrlSum", namespaces=NS) == "936.00"
    assert doc.findtext(".//p:GrpHdr/p:CtrlSum", namespaces=NS) == "936.00"
    names = [n.text for n in doc.findall(".//p:Dbtr/p:Nm", NS)]
    assert "Fromagerie Muller & Sohne" in names  # transliterated to the SEPA character set
    assert doc.findtext(".//p:DbtrAgt/p:FinInstnId/p:BIC", namespaces=NS) == "COBADEFFXXX"
