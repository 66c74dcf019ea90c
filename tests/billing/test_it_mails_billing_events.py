"""Billing's e-mails: invoice issued, payment received, subscription started, debit
rejected, termination confirmed — queued in the event's transaction, once per event and
recipient, in the recipient's language, delivered through a real SMTP server on loopback,
and switched off per person except the legal notices."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.invoicing.issue import issue, line_draft
from clausier.billing.models import Invoice
from clausier.billing.payments import sepa
from clausier.billing.subscriptions import price_changes
from clausier.billing.termination import terminate
from clausier.notify import preferences
from clausier.notify.models import NoticePreference, OutboxMessage
from clausier.notify.services import deliver_due
from tests.billing.builders import billing_world
from tests.billing.test_sepa_rejections import REPORT_AT, exported, rejection_report

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)
NBSP, NNBSP = "\u00a0", "\u202f"


def subscribed(language: str = "fr"):
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    w["admin"].language = language
    w["admin"].save(update_fields=["language"])
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    return w, subscription, Invoice.objects.get()


def mails(template: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(template=template).order_by("pk"))


def test_a_new_invoice_is_mailed_once_with_its_link_and_clause(smtp_server):
    w, _subscription, first = subscribed()
    [message] = mails("invoice_issued")
    assert message.to_email == w["admin"].email
    assert first.display_number in message.subject
    assert f"/factures/{first.pk}/pdf/" in message.body
    assert f"{first.total_ttc:.2f}".replace(".", ",") in message.body.replace(NNBSP, "")
    # The first instalment's line cites its clause (coaching art. 9.1.1 / 8.2.3).
    clause = first.lines.get().clause
    assert clause and clause in message.body
    # The same invoice issued again (its key) mails nobody again.
    again = issue(
        now=ORDER,
        provider=first.provider,
        client=first.client,
        lines=[line_draft(first.lines.get())],
        idempotency_key=first.idempotency_key,
        due_on=first.due_on,
    )
    assert again.pk == first.pk and len(mails("invoice_issued")) == 1
    assert deliver_due(ORDER)["sent"] == len(OutboxMessage.objects.all())
    delivered = [m for m in smtp_server.messages if first.display_number in m["Subject"]]
    assert len(delivered) == 1
    assert deliver_due(ORDER)["sent"] == 0


def test_the_billing_address_gets_invoices_but_not_the_contract_notices():
    w = billing_world(ServiceLine.COACHING_TRAINING, ORDER)
    w["client"].billing_email = "compta@boulangerie.example"
    w["client"].save()
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="v1"
    )
    assert {m.to_email for m in mails("invoice_issued")} == {
        w["admin"].email,
        "compta@boulangerie.example",
    }
    assert {m.to_email for m in mails("subscription_started")} == {w["admin"].email}


@pytest.mark.parametrize(
    ("language", "amount", "start"),
    [
        ("fr", f"468,00{NBSP}€", "5 janvier 2026"),
        ("de", f"468,00{NBSP}€", "5. Januar 2026"),
        ("en", "€468.00", "5 January 2026"),
    ],
)
def test_payment_and_start_are_written_in_the_recipients_language(language, amount, start):
    _w, _subscription, first = subscribed(language)
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="v1"
    )
    [paid] = mails("payment_received")
    assert amount in paid.body and paid.language == language
    [started] = mails("subscription_started")
    assert start in started.subject and "Art. 9.1.1" in started.body
    greeting = {"fr": "Bonjour,", "de": "Guten Tag,", "en": "Hello,"}[language]
    assert paid.body.startswith(greeting) and started.body.startswith(greeting)


def test_a_rolled_back_payment_leaves_no_mail():
    _w, _subscription, first = subscribed()
    with pytest.raises(Exception, match="solde"):
        services.record_payment(
            now=ORDER, invoice=first, amount=first.total_ttc + 1, method="transfer", reference="x"
        )
    assert mails("payment_received") == []


def test_a_rejected_debit_is_mailed_with_the_clause_that_accelerates():
    w = exported()
    report = sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    [accelerated] = report.accelerated
    [message] = mails("payment_failed")
    assert w["second"].display_number in message.subject
    assert "AM04" in message.body and accelerated.display_number in message.body
    assert "Art. 9.1.3" in message.body
    # The same report again: nothing new.
    sepa.import_rejections(w["provider"], rejection_report(w), REPORT_AT)
    assert len(mails("payment_failed")) == 1


def test_termination_is_confirmed_with_its_schedule_and_clause():
    w, subscription, first = subscribed()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="v1"
    )
    subscription.refresh_from_db()
    _end, balance = terminate(
        now=datetime(2026, 3, 10, 10, tzinfo=UTC), actor=w["admin"], subscription=subscription
    )
    [message] = mails("termination_confirmed")
    assert "Art. 9.1.3" in message.body or "Art. 17" in message.body
    assert "10 mars 2026" in message.body  # the notice day
    # Pack 1.0 bills the balance at once: its invoice is named, each instalment listed.
    assert balance is not None and balance.display_number in message.body
    assert message.body.count(" HT") == balance.lines.get().quantity
    # …and the balance invoice itself is mailed too.
    assert balance.display_number in {m.subject.split()[-1] for m in mails("invoice_issued")}


def test_an_opt_out_stops_optional_notices_but_not_legal_ones():
    w, subscription, first = subscribed()
    preferences.save_choices(w["admin"], set(), ORDER)  # everything off
    assert NoticePreference.objects.filter(person=w["admin"], kind="price_increase").count() == 0
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="v1"
    )
    assert mails("payment_received") == [] and mails("subscription_started") == []
    # Even a stored "off" row does not silence a legal notice (coaching art. 8.1).
    NoticePreference.objects.create(person=w["admin"], kind="price_increase", enabled=False)
    subscription.refresh_from_db()
    price_changes.announce(
        now=datetime(2026, 2, 1, tzinfo=UTC),
        actor=w["owner"],
        subscription=subscription,
        new_price_ht=Decimal("420.00"),
        applies_from=date(2026, 6, 5),
    )
    assert len(mails("price_increase")) == 1
    choices = preferences.choices_of(w["admin"])
    assert choices["price_increase"] is True and choices["invoice_issued"] is False
