"""Managed hosting art. 5 (pack 1.1): an emergency beyond the quota, or work past two
hours, is billed only after the client's administrator accepted the quoted rate."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.billing import services
from clausier.billing.errors import BillingError
from clausier.billing.models import OverageScope
from clausier.billing.subscriptions import overage
from clausier.core.models import AuditEntry
from tests.billing.builders import billing_world

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 6, 1, 8, tzinfo=UTC)
START = datetime(2026, 6, 1, 10, tzinfo=UTC)


def world(pack_version: str = "1.1") -> tuple[dict, object]:
    w = billing_world(ServiceLine.MANAGED_HOSTING, NOW, pack_version)
    subscription = services.subscribe(now=NOW, actor=w["admin"], client=w["client"], plan=w["plan"])
    return w, subscription


def bill(subscription, end: datetime, within_quota: bool = False):
    return overage.bill_overage(
        now=end,
        subscription=subscription,
        intervention="q5",
        started_at=START,
        ended_at=end,
        within_quota=within_quota,
    )


def test_without_agreement_an_extra_emergency_gives_no_overage_line() -> None:
    _w, subscription = world()
    overage.quote_overage(
        now=NOW, actor=_w["owner"], subscription=subscription,
        scope=OverageScope.EXTRA_EMERGENCY, intervention="q5",
    )  # fmt: skip
    assert bill(subscription, START + timedelta(minutes=90)) is None


def test_an_accepted_quote_records_who_when_and_the_rate_and_bills_after_it() -> None:
    w, subscription = world()
    quote = overage.quote_overage(
        now=NOW, actor=w["owner"], subscription=subscription,
        scope=OverageScope.EXTRA_EMERGENCY, intervention="q5",
    )  # fmt: skip
    assert quote.hourly_rate == Decimal("129.00") and quote.accepted_at is None
    accepted = overage.accept_overage(now=START, actor=w["admin"], agreement=quote)
    assert (accepted.accepted_by, accepted.accepted_at) == (w["admin"], START)
    assert AuditEntry.objects.filter(action="overage.accepted").count() == 1
    invoice = bill(subscription, START + timedelta(minutes=90))
    line = invoice.lines.get()
    assert line.total_ht == Decimal("193.50")  # 90 minutes at 129.00 € HT per hour
    assert "Art. 5" in line.clause or "5" in line.clause


def test_work_past_two_hours_needs_its_own_accepted_quote() -> None:
    w, subscription = world()
    for scope in (OverageScope.EXTRA_EMERGENCY, OverageScope.BEYOND_COVERED_HOURS):
        quote = overage.quote_overage(
            now=NOW, actor=w["owner"], subscription=subscription, scope=scope, intervention="q5"
        )
        if scope == OverageScope.EXTRA_EMERGENCY:
            overage.accept_overage(now=START, actor=w["admin"], agreement=quote)
        else:  # accepted at 2h30: the half hour past two hours before it is not billed
            overage.accept_overage(
                now=START + timedelta(minutes=150), actor=w["admin"], agreement=quote
            )
    invoice = bill(subscription, START + timedelta(hours=3))
    assert invoice.lines.get().total_ht == Decimal("322.50")  # 120 + 30 minutes


def test_only_the_clients_admin_accepts_and_only_once() -> None:
    w, subscription = world()
    quote = overage.quote_overage(
        now=NOW, actor=w["owner"], subscription=subscription,
        scope=OverageScope.EXTRA_EMERGENCY, intervention="q5",
    )  # fmt: skip
    with pytest.raises(NotAllowed):
        overage.accept_overage(now=START, actor=w["owner"], agreement=quote)
    with pytest.raises(NotAllowed):
        overage.quote_overage(
            now=NOW, actor=w["admin"], subscription=subscription,
            scope=OverageScope.EXTRA_EMERGENCY, intervention="q6",
        )  # fmt: skip
    overage.accept_overage(now=START, actor=w["admin"], agreement=quote)
    with pytest.raises(BillingError):
        overage.accept_overage(now=START, actor=w["admin"], agreement=quote)


def test_pack_1_0_keeps_billing_the_covered_hours_of_an_extra_emergency() -> None:
    _w, subscription = world("1.0")
    invoice = bill(subscription, START + timedelta(minutes=90))
    assert invoice.lines.get().total_ht == Decimal("193.50")
