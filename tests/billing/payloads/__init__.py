"""Recorded gateway payloads and bank reports, and the small world they apply to.

Payloads follow the gateways' documented formats; `{{invoice}}`-style placeholders are
filled with the numbers of the test's own invoices.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.models import CreditorSettings, GatewayAccount, Invoice, Subscription
from clausier.billing.payments import sepa
from tests.billing.builders import billing_world

HERE = Path(__file__).parent
ORDER = datetime(2026, 2, 15, 9, 0, tzinfo=UTC)
SECOND_PERIOD = date(2026, 3, 15)
STRIPE_SECRET = "whsec_test_5f0c1d2e3a4b"
GOCARDLESS_SECRET = "gc_webhook_secret_7d41a9"
ICS = "FR72ZZZ123456"


def load(name: str, **values: str) -> bytes:
    text = (HERE / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", value)
    return text.encode()


def at(day: date, hour: int = 9) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def coaching_client_on_direct_debit(
    service_line: str = ServiceLine.COACHING_TRAINING,
) -> dict[str, Any]:
    """A client whose first invoice was paid by transfer (the contract starts on 15 Feb
    2026), with a signed mandate, and whose second instalment (15 March) is issued."""
    w = billing_world(service_line, ORDER)
    provider = w["provider"]
    CreditorSettings.objects.create(provider=provider, creditor_id=ICS, bic="BNPAFRPPXXX")
    GatewayAccount.objects.create(provider=provider, gateway="stripe", webhook_secret=STRIPE_SECRET)
    GatewayAccount.objects.create(
        provider=provider, gateway="gocardless", webhook_secret=GOCARDLESS_SECRET
    )
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get(lines__subscription=subscription)
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="VIR-1"
    )
    subscription.refresh_from_db()
    second = services.bill_next_period(now=at(date(2026, 3, 1)), subscription=subscription)
    mandate = sepa.create_mandate(
        now=ORDER,
        client=w["client"],
        reference="RUM-KESTIO-0001",
        iban="FR76 3000 4000 0312 3456 7890 143",
        signed_on=date(2026, 2, 15),
    )
    w.update(subscription=subscription, first=first, second=second, mandate=mandate)
    return w


def reload(subscription: Subscription) -> Subscription:
    return Subscription.objects.get(pk=subscription.pk)
