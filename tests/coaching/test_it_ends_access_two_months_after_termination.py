"""Access windows (coaching art. 7.2.2, 7.3, 7.4): the client's people keep the application
two months after the subscription ends, then pages and API answer 403 with the day and the
clause; an unfixed outage or a maintenance extends a training's access by its duration."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from clausier.billing.models import Subscription, SubscriptionStatus
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching import access
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from tests.coaching.builders import coaching_world

pytestmark = pytest.mark.django_db
ORDERED = datetime(2026, 10, 20, 9, tzinfo=UTC)
PAID = datetime(2026, 11, 2, 9, tzinfo=UTC)
# The first day without contract; two months later is Sunday 28 March 2027, the day
# clocks go forward in Paris: access ends at midnight CEST, 22:00 UTC (not 23:00).
END = date(2027, 1, 28)
LAST_DAY = date(2027, 3, 28)
UNTIL = datetime(2027, 3, 28, 22, tzinfo=UTC)


def terminated(w, end=END):
    Subscription.objects.filter(pk=w.subscription.pk).update(
        end_date=end, status=SubscriptionStatus.TERMINATED
    )
    w.subscription.refresh_from_db()
    return w.subscription


def test_access_runs_two_months_after_the_end_to_midnight_paris_time_across_dst():
    w = coaching_world(ORDERED, PAID)
    assert access.access_end(w.subscription) is None  # still running
    end = access.access_end(terminated(w))
    assert end is not None
    assert (end.last_day, end.until) == (LAST_DAY, UNTIL)
    assert "7.2.2" in end.clause
    # The day before, the last day to its last second, the day after.
    assert access.has_ended(w.subscription, UNTIL - timedelta(days=1)) is None
    assert access.has_ended(w.subscription, UNTIL - timedelta(microseconds=1)) is None
    assert access.has_ended(w.subscription, UNTIL) == end
    assert access.has_ended(w.subscription, UNTIL + timedelta(days=1)) == end


def test_after_the_window_pages_and_api_refuse_the_collaborator_with_the_day_and_clause(client):
    w = coaching_world(ORDERED, PAID)
    terminated(w)
    member = w.members[0]
    before, after = UNTIL - timedelta(hours=1), UNTIL + timedelta(minutes=1)
    with time_machine.travel(before, tick=False):
        client.force_login(member)
        assert client.get(reverse("portal:coaching_sessions")).status_code == 200
        assert client.get("/api/coaching/allowances").status_code == 200
    with time_machine.travel(after, tick=False):
        page = client.get(reverse("portal:coaching_sessions"))
        assert page.status_code == 403
        assert "28 mars 2027" in page.content.decode()
        assert "7.2.2" in page.content.decode()
        assert client.get(reverse("portal:coaching_book")).status_code == 403
        answer = client.get("/api/coaching/allowances")
        assert answer.status_code == 403
        assert answer.json()["code"] == "access_ended"
        assert "7.2.2" in answer.json()["message"]
        assert client.get("/api/coaching/sessions").status_code == 403
        detail = client.get(f"/api/coaching/subscriptions/{w.subscription.pk}/allowance")
        assert detail.status_code == 403


def test_the_provider_keeps_its_records_after_the_window(client):
    w = coaching_world(ORDERED, PAID)
    terminated(w)
    with time_machine.travel(UNTIL + timedelta(days=3), tick=False):
        client.force_login(w.owner)
        answer = client.get(f"/api/coaching/subscriptions/{w.subscription.pk}/allowance")
    assert answer.status_code != 403


def test_a_closed_subscription_is_left_out_while_another_still_runs():
    w = coaching_world(ORDERED, PAID)
    other = coaching_world(ORDERED, PAID)
    terminated(w)
    now = UNTIL + timedelta(days=1)
    opened, ended = access.open_subscriptions([w.subscription, other.subscription], w.admin, now)
    assert opened == [other.subscription]
    assert set(ended) == {w.subscription.pk}
    assert access.gate([w.subscription, other.subscription], w.admin, now) == {w.subscription.pk}
    with pytest.raises(access.AccessEnded):
        access.gate([w.subscription], w.admin, now)


def _interruption(w, kind, starts_at, ends_at, announced_at=None):
    return ServiceInterruption.objects.create(
        provider=w.provider,
        kind=kind,
        starts_at=starts_at,
        ends_at=ends_at,
        announced_at=announced_at,
    )


def test_an_outage_fixed_within_48_business_hours_extends_nothing_a_later_fix_the_whole():
    w = coaching_world(ORDERED, PAID)
    pack = pack_of(w.subscription)
    start, until = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 7, 1, tzinfo=UTC)
    monday_9 = datetime(2027, 2, 1, 8, tzinfo=UTC)  # 09:00 Paris
    # 48 business hours from Monday 09:00 run out during Friday (8 business hours a day is
    # the pack's calendar; whatever it is, one hour is within, ten days is not).
    _interruption(w, InterruptionKind.OUTAGE, monday_9, monday_9 + timedelta(hours=1))
    now = datetime(2027, 3, 1, tzinfo=UTC)
    assert access.training_extension(w.provider, start, until, pack, now) == (timedelta(0), [])
    _interruption(
        w,
        InterruptionKind.OUTAGE,
        monday_9 + timedelta(days=14),
        monday_9 + timedelta(days=24),
    )
    extension, clauses = access.training_extension(w.provider, start, until, pack, now)
    assert extension == timedelta(days=10)
    assert any("7.3" in c for c in clauses)


def test_a_maintenance_extends_a_training_by_its_duration_and_a_chain_is_followed():
    w = coaching_world(ORDERED, PAID)
    pack = pack_of(w.subscription)
    start, until = datetime(2027, 1, 4, tzinfo=UTC), datetime(2027, 2, 1, tzinfo=UTC)
    at = until - timedelta(hours=5)
    _interruption(
        w, InterruptionKind.MAINTENANCE, at, at + timedelta(hours=3), at - timedelta(days=3)
    )
    # Begins after the original end, but within the three hours the first one added.
    later = until + timedelta(hours=2)
    _interruption(w, InterruptionKind.MAINTENANCE, later, later + timedelta(hours=1))
    # Begins after the extended end: not counted.
    _interruption(
        w, InterruptionKind.MAINTENANCE, until + timedelta(days=2), until + timedelta(days=3)
    )
    now = until + timedelta(days=10)
    extension, clauses = access.training_extension(w.provider, start, until, pack, now)
    assert extension == timedelta(hours=4)
    assert all("7.4" in c for c in clauses) and len(clauses) == 2


def test_the_team_page_draws_the_period_s_usage_as_an_svg(client):
    from clausier.coaching import services  # noqa: PLC0415

    w = coaching_world(ORDERED, PAID)
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    monday_10 = datetime(2027, 1, 11, 9, tzinfo=UTC)  # 10:00 Paris
    services.book_session(
        now=now, actor=w.members[0], subscription=w.subscription, coach=w.coach, starts_at=monday_10
    )
    with time_machine.travel(now, tick=False):
        client.force_login(w.admin)
        page = client.get(reverse("portal:coaching_team")).content.decode()
    assert 'class="usage-chart"' in page
    # The team's bar: one booked, eleven remaining (same scale: 240 px for 12 sessions).
    assert 'width="20.0" height="16" fill="#90caf9"><title>1</title>' in page
    assert 'width="220.0" height="16" fill="#e0e0e0"><title>11</title>' in page
