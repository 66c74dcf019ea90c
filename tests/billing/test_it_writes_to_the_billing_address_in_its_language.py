"""The billing contact's own language (issue 16): invoice, payment and reminder mails that
go to the client's billing address are written in `billing_language` (French by
default, the migration's default), whatever its administrators' languages; the client
admin sets it in the portal, through the same service and audit as the API."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.test import Client

from clausier.accounts.models import ClientOrganisation, Role, ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice
from clausier.billing.payments import dunning
from clausier.core.models import AuditEntry
from clausier.notify.models import OutboxMessage
from tests.billing.builders import billing_world
from tests.helpers import make_client_user, make_staff

pytestmark = pytest.mark.django_db
ORDER = datetime(2026, 1, 5, 9, tzinfo=UTC)
BILLING = "compta@boulangerie.example"


def _world(billing_language: str | None):
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER)
    w["client"].billing_email = BILLING
    if billing_language is not None:
        w["client"].billing_language = billing_language
    w["client"].save()
    return w


def _language_of(template: str, email: str) -> str:
    return OutboxMessage.objects.get(template=template, to_email=email).language


def test_a_new_client_writes_to_its_billing_address_in_french():
    assert ClientOrganisation._meta.get_field("billing_language").default == "fr"
    w = _world(None)
    w["admin"].language = "en"
    w["admin"].save(update_fields=["language"])
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    assert _language_of("invoice_issued", BILLING) == "fr"
    assert _language_of("invoice_issued", w["admin"].email) == "en"


@pytest.mark.parametrize("language", ["de", "en"])
def test_invoices_and_payments_reach_the_billing_address_in_its_language(language):
    w = _world(language)
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="v1"
    )
    assert _language_of("invoice_issued", BILLING) == language
    assert _language_of("payment_received", BILLING) == language
    assert _language_of("invoice_issued", w["admin"].email) == "fr"
    issued = OutboxMessage.objects.get(template="invoice_issued", to_email=BILLING)
    assert ("Rechnung" if language == "de" else "nvoice") in issued.subject


@pytest.mark.parametrize(("day", "sent"), [(date(2026, 4, 1), False), (date(2026, 4, 2), True)])
def test_the_payment_reminder_uses_the_billing_language_from_the_day_after_the_due_date(day, sent):
    w = _world("de")
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    first = Invoice.objects.get()
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r"
    )
    services.bill_due(now=ORDER, until=date(2026, 4, 1))  # due 1 April 2026
    dunning.send_reminders(datetime(day.year, day.month, day.day, 10, tzinfo=UTC))
    reminders = OutboxMessage.objects.filter(template="payment_reminder")
    if not sent:
        assert not reminders.exists()
        return
    [reminder] = reminders
    assert (reminder.to_email, reminder.language) == (BILLING, "de")


def test_the_client_admin_sets_the_billing_address_and_its_language():
    w = _world(None)
    browser = Client()
    browser.force_login(w["admin"])
    page = browser.get(f"/organisations/{w['client'].pk}/membres/").content.decode()
    assert 'id="billing-contact"' in page
    answer = browser.post(
        f"/organisations/{w['client'].pk}/facturation/",
        {"billing_email": "buchhaltung@boulangerie.example", "billing_language": "de"},
    )
    assert answer.status_code == 302
    w["client"].refresh_from_db()
    assert (w["client"].billing_email, w["client"].billing_language) == (
        "buchhaltung@boulangerie.example",
        "de",
    )
    entry = AuditEntry.objects.get(action="client.updated")
    assert entry.actor == w["admin"]
    assert entry.details == {"fields": ["billing_email", "billing_language"]}
    # Bad input: a clear message, nothing changed.
    bad = browser.post(
        f"/organisations/{w['client'].pk}/facturation/",
        {"billing_email": "not an address", "billing_language": "xx"},
        follow=True,
    )
    assert bad.status_code == 200
    w["client"].refresh_from_db()
    assert w["client"].billing_language == "de"
    assert AuditEntry.objects.filter(action="client.updated").count() == 1


def test_a_member_cannot_change_it_and_the_api_takes_the_same_field():
    w = _world(None)
    member = make_client_user(w["client"], Role.CLIENT_MEMBER)
    browser = Client()
    browser.force_login(member)
    answer = browser.post(
        f"/organisations/{w['client'].pk}/facturation/",
        {"billing_email": "x@boulangerie.example", "billing_language": "en"},
    )
    assert answer.status_code == 404
    owner = make_staff(w["provider"], Role.OWNER)
    api = Client()
    api.force_login(owner)
    patched = api.patch(
        f"/api/clients/{w['client'].pk}",
        {"billing_language": "en"},
        content_type="application/json",
    )
    assert patched.status_code == 200, patched.content
    assert patched.json()["billing_language"] == "en"
    refused = api.patch(
        f"/api/clients/{w['client'].pk}",
        {"billing_language": "xx"},
        content_type="application/json",
    )
    assert refused.status_code == 400
    w["client"].refresh_from_db()
    assert w["client"].billing_language == "en"
