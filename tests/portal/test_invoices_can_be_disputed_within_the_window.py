"""The invoice page offers the client admin a dispute form while coaching art. 8.3's
window is open (ten days after issue), and not after; a hosting invoice has none."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
import time_machine

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice, InvoiceDispute
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db

ORDER = datetime(2026, 3, 5, 10, tzinfo=UTC)
DAY = 86400


def _invoice(service_line: str) -> tuple[dict, Invoice]:
    w = billing_world(
        service_line, ORDER, "1.1" if service_line != ServiceLine.MANAGED_HOSTING else "1.0"
    )
    services.subscribe(now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"])
    return w, Invoice.objects.get()


def test_the_dispute_form_shows_within_ten_days_and_records_the_dispute(client):
    w, invoice = _invoice(ServiceLine.COACHING_TRAINING)
    client.force_login(w["admin"])
    issued = invoice.issued_at.timestamp()
    with time_machine.travel(issued + 9 * DAY, tick=False):
        page = client.get(f"/factures/{invoice.pk}/").content.decode()
        assert "Contester cette facture" in page
        assert "Art. 8.3" in page
        answer = client.post(f"/factures/{invoice.pk}/contester/", {"reason": "Montant erroné"})
    assert answer.status_code == 302
    dispute = InvoiceDispute.objects.get()
    assert dispute.outcome == "accepted" and dispute.reason == "Montant erroné"
    with time_machine.travel(issued + 12 * DAY, tick=False):
        page = client.get(f"/factures/{invoice.pk}/").content.decode()
    assert "Contester cette facture" not in page
    assert "Montant erroné" in page  # the dispute made is listed


def test_a_reason_is_required(client):
    w, invoice = _invoice(ServiceLine.COACHING_TRAINING)
    client.force_login(w["admin"])
    with time_machine.travel(invoice.issued_at.timestamp() + DAY, tick=False):
        page = client.post(f"/factures/{invoice.pk}/contester/", {"reason": " "}, follow=True)
    assert "motif" in page.content.decode().lower()
    assert not InvoiceDispute.objects.exists()


def test_a_hosting_invoice_has_no_dispute_window(client):
    w, invoice = _invoice(ServiceLine.MANAGED_HOSTING)
    client.force_login(w["admin"])
    page = client.get(f"/factures/{invoice.pk}/").content.decode()
    assert "Contester cette facture" not in page


def test_staff_see_no_dispute_form(client):
    w, invoice = _invoice(ServiceLine.COACHING_TRAINING)
    client.force_login(w["accountant"])
    with time_machine.travel(time.time(), tick=False):
        page = client.get(f"/factures/{invoice.pk}/").content.decode()
    assert "Contester cette facture" not in page
