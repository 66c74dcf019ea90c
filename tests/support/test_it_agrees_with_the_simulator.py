"""The simulator's handlers and the support service compute the same clocks and the same
capped credits for the same facts (both call `clausier.support.clock`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.core.businesstime import PARIS
from clausier.support.models import Channel, EmergencyRequest, ServerCredit
from clausier.support.services import emergencies
from tests.simulate.helpers import hosting, results
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db
# Three late starts in February on a server whose fee is 40.00: 50 % each (GTI + 4h).
REQUESTS = [datetime(2026, 2, day, 9, tzinfo=UTC) for day in (2, 3, 4)]
LATE = timedelta(hours=5)  # due 1 office hour after the request, started 4 hours after that


def local(at: datetime) -> str:
    return at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def test_the_same_emergencies_give_the_same_capped_credits():
    events = []
    for n, at in enumerate(REQUESTS):
        events.append(
            f"{{at: '{local(at)}', type: emergency_request, id: r{n}, server: web1, "
            "monthly_fee: 40.00}"
        )
        events.append(f"{{at: '{local(at + LATE)}', type: intervention_start, request: r{n}}}")
    text = hosting(*events, header="terms: '1.1'\ncontract_start: 2026-01-05\n")
    simulated = [r["credit_amount"] for r in results(text, "gti")]
    (cap,) = results(text, "credit_cap")

    w = support_world(monthly_fee_ht=Decimal("40.00"))
    for at in REQUESTS:
        row = emergencies.request_emergency(
            now=at, server=w["server"], channel=Channel.PORTAL, description="x", actor=w["admin"]
        )
        emergencies.start_intervention(now=at + LATE, request=row, actor=w["engineer"])
    computed = [
        str(c)
        for c in ServerCredit.objects.order_by("request_id").values_list("computed", flat=True)
    ]
    granted = sum(ServerCredit.objects.values_list("granted", flat=True), Decimal(0))
    assert computed == simulated == ["20.00", "20.00", "20.00"]
    assert cap["capped_amount"] == f"{granted:.2f}" == "40.00"
    assert EmergencyRequest.objects.count() == 3
