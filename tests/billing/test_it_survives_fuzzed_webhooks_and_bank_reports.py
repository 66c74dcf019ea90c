"""Hypothesis against the webhook and bank report parsers: a refusal or a harmless
answer, never an exception, and no payment or debit changed by garbage.

Bounded (a few dozen examples each, derandomized) so the suite stays quick.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clausier.billing.models import DirectDebit, Payment
from clausier.billing.payments import gocardless, sepa, stripe, webhooks
from tests.billing.payloads import GOCARDLESS_SECRET, STRIPE_SECRET, coaching_client_on_direct_debit

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=12,
)


def stripe_events() -> st.SearchStrategy[dict[str, Any]]:
    """Stripe-like events: the real keys with values of any JSON type."""
    obj = st.fixed_dictionaries(
        {},
        optional={
            "id": st.text(max_size=12) | json_values,
            "amount": st.integers() | json_values,
            "amount_received": st.integers() | json_values,
            "currency": st.sampled_from(["eur", "usd"]) | json_values,
            "metadata": st.fixed_dictionaries({"clausier_invoice": json_values}) | json_values,
            "last_payment_error": json_values,
            "payment_method_types": json_values,
            "payment_method_details": json_values,
            "status": json_values,
        },
    )
    kinds = st.sampled_from(
        ["payment_intent.succeeded", "payment_intent.payment_failed", "mandate.updated"]
    )
    return st.fixed_dictionaries(
        {"id": st.text(min_size=1, max_size=10), "type": kinds | json_values},
        optional={
            "data": st.fixed_dictionaries({"object": obj}) | json_values,
            "created": json_values,
        },
    )


def gocardless_deliveries() -> st.SearchStrategy[Any]:
    event = st.fixed_dictionaries(
        {
            "id": st.text(min_size=1, max_size=10) | json_values,
            "resource_type": st.sampled_from(["payments", "mandates"]) | json_values,
            "action": st.sampled_from(["confirmed", "failed", "cancelled"]) | json_values,
        },
        optional={
            "links": st.fixed_dictionaries({"payment": json_values, "mandate": json_values})
            | json_values,
            "details": json_values,
            "resource_metadata": json_values,
            "created_at": json_values,
        },
    )
    return st.fixed_dictionaries({"events": st.lists(event, max_size=3)}) | json_values


def money_state() -> tuple[int, list[str]]:
    return Payment.objects.count(), list(
        DirectDebit.objects.order_by("pk").values_list("status", flat=True)
    )


@pytest.fixture
def world() -> dict[str, Any]:
    return coaching_client_on_direct_debit()


def test_it_answers_fuzzed_stripe_events_without_failing(world):
    before = money_state()

    @FUZZ
    @given(event=stripe_events())
    def deliver(event: dict[str, Any]) -> None:
        body = json.dumps(event).encode()
        now = datetime.now(UTC)
        headers = {"Stripe-Signature": stripe.sign(STRIPE_SECRET, body, int(time.time()))}
        reply = webhooks.receive(
            provider=world["provider"], gateway="stripe", headers=headers, body=body, now=now
        )
        assert reply.status_code in (200, 400), reply
        assert money_state() == before

    deliver()


def test_it_answers_fuzzed_gocardless_deliveries_without_failing(world):
    before = money_state()

    @FUZZ
    @given(delivery=gocardless_deliveries())
    def deliver(delivery: Any) -> None:
        body = json.dumps(delivery).encode()
        headers = {"Webhook-Signature": gocardless.sign(GOCARDLESS_SECRET, body)}
        reply = webhooks.receive(
            provider=world["provider"],
            gateway="gocardless",
            headers=headers,
            body=body,
            now=datetime.now(UTC),
        )
        assert reply.status_code in (200, 400), reply
        assert money_state() == before

    deliver()


def csv_reports() -> st.SearchStrategy[str]:
    cell = st.text(alphabet=st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
    row = st.lists(cell, min_size=0, max_size=5).map(lambda cells: ";".join(cells))
    header = st.sampled_from(
        ["end_to_end_id;status;reason_code;reason", "end_to_end_id,status", "status", ""]
    )
    return st.builds(lambda h, rows: "\n".join([h, *rows]), header, st.lists(row, max_size=4))


def xml_reports() -> st.SearchStrategy[str]:
    inner = st.sampled_from(
        [
            "",
            "<CstmrPmtStsRpt/>",
            "<CstmrPmtStsRpt><OrgnlGrpInfAndSts><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts>",
            "<CstmrPmtStsRpt><OrgnlPmtInfAndSts><TxInfAndSts><TxSts>RJCT</TxSts>"
            "</TxInfAndSts></OrgnlPmtInfAndSts></CstmrPmtStsRpt>",
            "<!DOCTYPE x [<!ENTITY e SYSTEM 'file:///etc/passwd'>]><x>&e;</x>",
        ]
    )
    return st.builds(lambda i, junk: f"<Document>{i}{junk}</Document>", inner, st.text(max_size=20))


def test_it_reads_fuzzed_bank_reports_or_refuses_them(world):
    before = money_state()
    now = datetime.now(UTC)

    @FUZZ
    @given(text=csv_reports() | xml_reports() | st.text(max_size=60))
    def read(text: str) -> None:
        try:
            report = sepa.import_rejections(world["provider"], text, now)
        except sepa.MalformedReport:
            pass
        else:
            assert not report.rejected and not report.collected
        assert money_state() == before

    read()
