"""Credits into billing (art. 14): each GTI/GTR credit once, whatever the month-end job
does (run twice, or after a kill), and a server's credits capped at its monthly fee."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.billing.models import SlaCredit
from clausier.support.models import Channel, EmergencyRequest, ServerCredit
from clausier.support.services import emergencies
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def late_intervention(w, day: int, late: timedelta) -> EmergencyRequest:
    request = emergencies.request_emergency(
        now=at(2026, 2, day, 9),
        server=w["server"],
        channel=Channel.PORTAL,
        description="Panne",
        actor=w["admin"],
    )
    # Started without going through the service, as if the process died before settling.
    EmergencyRequest.objects.filter(pk=request.pk).update(started_at=request.gti_due_at + late)
    request.refresh_from_db()
    return request


def test_the_month_end_job_issues_each_credit_once():
    w = support_world()
    late_intervention(w, 2, timedelta(hours=1))
    late_intervention(w, 3, timedelta(hours=4))
    assert emergencies.settle_month_end(at(2026, 3, 1)) == 2
    assert emergencies.settle_month_end(at(2026, 3, 1)) == 0
    assert SlaCredit.objects.count() == 2
    assert sorted(SlaCredit.objects.values_list("amount", flat=True)) == [
        Decimal("10.00"),
        Decimal("50.00"),
    ]


def test_a_servers_month_is_capped_at_its_fee_share_in_arrival_order():
    w = support_world(monthly_fee_ht=Decimal("40.00"))
    for day in (2, 3, 4):
        late_intervention(w, day, timedelta(hours=4))  # 50 % each: 20.00
    emergencies.settle_month_end(at(2026, 3, 1))
    granted = list(ServerCredit.objects.order_by("request_id").values_list("granted", flat=True))
    assert granted == [Decimal("20.00"), Decimal("20.00"), Decimal("0.00")]
    assert SlaCredit.objects.count() == 2  # nothing left to grant: no billing row
    last = ServerCredit.objects.order_by("request_id").last()
    assert last is not None and "14" in last.clause and ";" in last.clause
