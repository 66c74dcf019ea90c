"""Emergencies (art. 5, 8.1, 14): the clock starts at contact, GTI met or late with its
credit into billing, GTR without third-party parts or backup restores, 4 per server and
contract year, phone requests confirmed in writing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from clausier.billing.models import SlaCredit
from clausier.core.errors import DomainError
from clausier.monitoring.models import OnCallShift
from clausier.notify.models import OutboxMessage
from clausier.support.models import Channel, CreditKind, PauseReason, ServerCredit
from clausier.support.services import emergencies, outbound
from tests.support.builders import support_world

pytestmark = pytest.mark.django_db


def at(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def w():
    return support_world()


def portal_request(w, now):
    return emergencies.request_emergency(
        now=now,
        server=w["server"],
        channel=Channel.PORTAL,
        description="Site en panne",
        actor=w["admin"],
    )


def test_a_phone_request_starts_the_clock_at_the_call_and_waits_for_written_confirmation(w):
    call = at(2026, 1, 10, 2)  # Saturday 3:00 Paris: HNO, +3 clock hours
    request = emergencies.request_emergency(
        now=call + timedelta(minutes=20),
        server=w["server"],
        channel=Channel.PHONE,
        description="Base de données arrêtée",
        actor=w["engineer"],
        contacted_at=call,
    )
    assert request.contacted_at == call
    assert request.gti_due_at == call + timedelta(hours=3)
    assert not request.gti_in_office_hours
    assert request.confirmed_at is None
    with pytest.raises(DomainError):
        emergencies.confirm_in_writing(now=call, request=request, actor=w["engineer"])
    emergencies.confirm_in_writing(now=call + timedelta(hours=1), request=request, actor=w["admin"])
    assert request.confirmed_at == call + timedelta(hours=1)


def test_a_phone_request_needs_the_call_time_and_staff(w):
    with pytest.raises(DomainError) as refused:
        emergencies.request_emergency(
            now=at(2026, 1, 6, 9),
            server=w["server"],
            channel=Channel.PHONE,
            description="x",
            actor=w["engineer"],
        )
    assert refused.value.code == "missing_call_time"
    with pytest.raises(DomainError):
        emergencies.request_emergency(
            now=at(2026, 1, 6, 9),
            server=w["server"],
            channel=Channel.PHONE,
            description="x",
            actor=w["admin"],
            contacted_at=at(2026, 1, 6, 8),
        )


def test_a_gti_met_credits_nothing_a_late_one_credits_the_fee_share(w):
    met = portal_request(w, at(2026, 1, 6, 9))  # Tuesday 10:00: +1 business hour
    emergencies.start_intervention(now=at(2026, 1, 6, 10), request=met, actor=w["engineer"])
    assert emergencies.gti_status(met, at(2026, 1, 6, 12)).amount == Decimal("0.00")
    late = portal_request(w, at(2026, 1, 7, 9))
    emergencies.start_intervention(
        now=at(2026, 1, 7, 10) + timedelta(hours=3), request=late, actor=w["engineer"]
    )
    credit = ServerCredit.objects.get(request=late, kind=CreditKind.GTI)
    assert credit.granted == Decimal("25.00")  # GTI + 3h: 25 % of 100.00
    billed = SlaCredit.objects.get(source_key=f"support:{late.pk}:gti")
    assert billed.amount == Decimal("25.00")
    assert late.reference in billed.description and "14" in billed.clause


def test_gtr_excludes_third_party_parts_and_backup_restores(w):
    request = portal_request(w, at(2026, 1, 6, 9))
    emergencies.start_intervention(now=at(2026, 1, 6, 9, 30), request=request, actor=w["engineer"])
    emergencies.pause(
        now=at(2026, 1, 6, 10),
        request=request,
        actor=w["engineer"],
        reason=PauseReason.THIRD_PARTY_PARTS,
    )
    emergencies.resume(now=at(2026, 1, 6, 13), request=request, actor=w["engineer"])
    emergencies.pause(
        now=at(2026, 1, 6, 13),
        request=request,
        actor=w["engineer"],
        reason=PauseReason.BACKUP_RESTORE,
    )
    # Restored 5h after the start, 4h30 of it paused: 30 minutes counted, no credit.
    emergencies.restore(now=at(2026, 1, 6, 14, 30), request=request, actor=w["engineer"])
    gtr = emergencies.gtr_status(request, at(2026, 1, 7))
    assert gtr is not None and gtr.counted == timedelta(minutes=30) and gtr.amount == 0
    emergencies.end_intervention(now=at(2026, 1, 6, 15), request=request, actor=w["engineer"])
    # The third-party wait is not time spent; the backup restore is.
    assert request.worked_minutes == (5 * 60 + 30) - 3 * 60


def test_a_slow_restoration_is_credited_only_for_servers_with_full_backup(w):
    request = portal_request(w, at(2026, 1, 6, 9))
    emergencies.start_intervention(now=at(2026, 1, 6, 9, 30), request=request, actor=w["engineer"])
    emergencies.restore(now=at(2026, 1, 6, 18, 31), request=request, actor=w["engineer"])
    assert ServerCredit.objects.get(request=request, kind=CreditKind.GTR).granted == Decimal(
        "25.00"
    )  # beyond GTR + 8h
    w["server"].full_backup = False
    w["server"].save()
    other = portal_request(w, at(2026, 1, 8, 9))
    emergencies.start_intervention(now=at(2026, 1, 8, 9, 30), request=other, actor=w["engineer"])
    emergencies.restore(now=at(2026, 1, 9, 18), request=other, actor=w["engineer"])
    assert not ServerCredit.objects.filter(request=other, kind=CreditKind.GTR).exists()


def test_the_fifth_emergency_of_a_contract_year_is_beyond_the_quota(w):
    requests = [portal_request(w, at(2026, 2, day, 9)) for day in (2, 3, 4, 5, 6)]
    assert [r.number_in_year for r in requests] == [1, 2, 3, 4, 5]
    assert [r.within_quota for r in requests] == [True, True, True, True, False]
    # The contract year starts on the payment day (2026-01-05): a new year, a new quota.
    next_year = portal_request(w, at(2027, 1, 5, 9))
    assert next_year.within_quota and next_year.number_in_year == 1


def test_an_intervention_cannot_start_twice(w):
    request = portal_request(w, at(2026, 1, 6, 9))
    emergencies.start_intervention(now=at(2026, 1, 6, 9, 30), request=request, actor=w["engineer"])
    with pytest.raises(DomainError):
        emergencies.start_intervention(
            now=at(2026, 1, 6, 9, 31), request=request, actor=w["engineer2"]
        )


def test_the_on_call_engineers_are_paged_through_the_outbox(w):
    request = portal_request(w, at(2026, 1, 10, 2))
    page = OutboxMessage.objects.get(
        template="support_emergency", to_email=w["provider"].support_email
    )
    assert request.reference in page.subject and "web1" in page.subject
    assert "10/01/2026 06:00" in page.body  # the GTI due, Paris time
    assert page.auto_submitted


@pytest.mark.parametrize(
    ("contact", "due"),
    [
        # Friday 17:30 Paris: +1 office hour would be Monday, the 3-clock-hour cap wins.
        (at(2026, 1, 9, 16, 30), at(2026, 1, 9, 19, 30)),
        # Tuesday 10:00: +1 office hour.
        (at(2026, 1, 6, 9), at(2026, 1, 6, 10)),
        # The night Paris goes to summer time: 3 clock hours, not 4 on the wall.
        (at(2026, 3, 29, 0, 30), at(2026, 3, 29, 3, 30)),
        # Easter Monday, a holiday at the provider's seat: out of office hours.
        (at(2026, 4, 6, 8), at(2026, 4, 6, 11)),
    ],
)
def test_the_gti_deadline_runs_from_the_contact(w, contact, due):
    assert portal_request(w, contact).gti_due_at == due


def test_whoever_is_on_call_is_paged_beside_the_support_address(w):
    # Saturday 3:00 Paris: engineer2 holds the rota's night shift (art. 3.2), so the
    # request pages the support address and engineer2 only, each once.
    OnCallShift.objects.create(
        provider=w["provider"],
        person=w["engineer2"],
        starts_at=at(2026, 1, 9, 17),
        ends_at=at(2026, 1, 10, 7),
    )
    request = portal_request(w, at(2026, 1, 10, 2))
    pages = OutboxMessage.objects.filter(template="support_emergency")
    assert sorted(pages.values_list("to_email", flat=True)) == sorted(
        [w["provider"].support_email, w["engineer2"].email]
    )
    emergencies_before = pages.count()
    outbound.page_on_call(request, at(2026, 1, 10, 2, 5))  # paged again: nothing new
    assert pages.count() == emergencies_before


def test_without_a_shift_the_engineers_and_owners_are_paged(w):
    portal_request(w, at(2026, 1, 10, 2))
    paged = set(
        OutboxMessage.objects.filter(template="support_emergency").values_list(
            "to_email", flat=True
        )
    )
    assert {w["provider"].support_email, w["engineer"].email, w["engineer2"].email} <= paged
