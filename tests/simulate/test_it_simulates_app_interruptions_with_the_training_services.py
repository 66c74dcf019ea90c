"""Coaching contract art. 7.3, 7.4, 7.2.2 in the simulator: `outage`, `app_maintenance` and
`access_end` give what the training and coaching services give on the database (the same
trainee extended by the same days; the same refusal), at the 48-hour boundaries and across
DST; bad input is a scenario error, never a crash."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from clausier.coaching.errors import CoachingError
from clausier.simulate.errors import ScenarioError
from clausier.training import interruptions
from clausier.training.models import AccessExtension
from tests.simulate.helpers import coaching, results
from tests.training.test_it_runs_a_training_to_its_split_invoices import quote_of
from tests.training.world import PARIS, training_world

MONDAY_9 = datetime(2026, 3, 16, 9, tzinfo=PARIS)
# The world's training starts on FIRST_START (Monday 9 March 2026, 09:00 Paris).
TRAINING = (
    "{at: 2026-02-20T09:00, type: training_scheduled, id: t1, starts_at: 2026-03-09T09:00, "
    "price_ht: 1600.00, hours: 7}",
    "{at: 2026-02-21T09:00, type: training_enrolment, id: e1, training: t1, participant: alice}",
)


def _iso(at: datetime) -> str:
    return at.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def simulated_days(kind: str, event: str) -> int:
    found = results(coaching(*TRAINING, event), kind)
    assert len(found) == 1
    extensions = found[0].get("extensions", [])
    return sum(e["days"] for e in extensions)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fixed_at", "days"),
    [
        (MONDAY_9 + timedelta(hours=47, minutes=59), 0),
        (MONDAY_9 + timedelta(hours=48), 0),  # on the deadline: in time
        (MONDAY_9 + timedelta(hours=48, minutes=1), 3),  # 2 days 1 minute: 3 whole days
    ],
)
def test_an_outage_extends_as_the_training_service_does(fixed_at, days):
    now = fixed_at + timedelta(hours=1)
    event = (
        f"{{at: {_iso(now)}, type: outage, id: o1, start: {_iso(MONDAY_9)}, "
        f"end: {_iso(fixed_at)}, scope: app, cause: host}}"
    )
    assert simulated_days("outage", event) == days
    w = training_world()
    enrolment = quote_of(w, w["alice"]).enrolments.get()
    row, _extended = interruptions.record_outage(
        now=now,
        actor=w["owner"],
        provider=w["provider"],
        starts_at=MONDAY_9,
        ends_at=fixed_at,
        scope="app",
        cause="host",
    )
    stored = AccessExtension.objects.filter(enrolment=enrolment, interruption=row)
    assert sum(e.days for e in stored) == days
    found = results(coaching(*TRAINING, event), "outage")[0]
    assert found["clause"] == "Art. 7.3"
    assert found["outcome"] == ("extended" if days else "none")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("notice", "emergency", "accepted"),
    [
        (timedelta(hours=47, minutes=59), False, False),
        (timedelta(hours=48), False, True),
        (timedelta(hours=47, minutes=59), True, True),
    ],
)
def test_a_maintenance_across_the_spring_dst_night_is_judged_as_the_service_does(
    notice, emergency, accepted
):
    # 29 March 2026, 01:00 to 05:00 local: 3 elapsed hours (02:00 does not exist).
    start, end = datetime(2026, 3, 29, 1, tzinfo=PARIS), datetime(2026, 3, 29, 5, tzinfo=PARIS)
    announced = start - notice
    event = (
        f"{{at: {_iso(announced)}, type: app_maintenance, id: m1, start: {_iso(start)}, "
        f"end: {_iso(end)}, announced_at: {_iso(announced)}, emergency: {str(emergency).lower()}}}"
    )
    found = results(coaching(*TRAINING, event), "app_maintenance")[0]
    assert found["clause"] == "Art. 7.4"
    w = training_world()
    enrolment = quote_of(w, w["alice"]).enrolments.get()
    try:
        row, _sent = interruptions.schedule_maintenance(
            now=announced,
            actor=w["owner"],
            provider=w["provider"],
            starts_at=start,
            ends_at=end,
            scope="app",
            emergency=emergency,
        )
    except CoachingError as exc:
        assert not accepted and exc.code == found["refused_because"]
        assert found["outcome"] == "refused"
        return
    assert accepted and found["outcome"] == "accepted"
    interruptions.apply_interruptions(end + timedelta(minutes=1))
    stored = AccessExtension.objects.get(enrolment=enrolment, interruption=row)
    assert [e["days"] for e in found["extensions"]] == [stored.days] == [1]
    assert found["extended_at"] == "2026-03-29T05:00:00+02:00"


SUBSCRIPTION = (
    "{at: 2026-01-20T09:00, type: subscription_started, id: s1, instalment_ht: 100.00, "
    "periodicity: monthly}",
    "{at: 2026-01-31T10:00, type: first_invoice_paid, subscription: s1}",
)


def test_access_ends_at_local_midnight_two_months_after_the_contract_across_dst():
    found = results(
        coaching(
            *SUBSCRIPTION,
            "{at: 2026-05-10T10:00, type: termination_notice, subscription: s1}",
            "{at: 2027-03-31T23:59, type: access_end, subscription: s1}",
            "{at: 2027-04-01T00:00, type: access_end, subscription: s1}",
        ),
        "access_end",
    )
    # The contract ends 30 January 2027 (commitment): the first day without it is 31
    # January; access lasts to 31 March 2027, after the 28 March change to summer time.
    assert [(r["last_day"], r["access_until"], r["ended"]) for r in found] == [
        ("2027-03-31", "2027-04-01T00:00:00+02:00", False),  # the minute before
        ("2027-03-31", "2027-04-01T00:00:00+02:00", True),  # the instant itself
    ]
    assert {r["clause"] for r in found} == {"Art. 7.2.2"}


@pytest.mark.parametrize(
    ("events", "field"),
    [
        (
            (
                *TRAINING,
                "{at: 2026-03-16T10:00, type: outage, id: o1, start: 2026-03-16T09:00, "
                "end: 2026-03-17T09:00}",
            ),
            "end",  # not fixed yet at the event
        ),
        (
            (
                *TRAINING,
                "{at: 2026-03-20T10:00, type: outage, id: o1, start: 2026-03-16T09:00, "
                "end: 2026-03-16T09:00}",
            ),
            "end",
        ),
        (
            (
                *TRAINING,
                "{at: 2026-03-20T10:00, type: app_maintenance, id: m1, start: 2026-03-20T09:00, "
                "end: 2026-03-20T11:00, announced_at: 2026-03-20T09:30}",
            ),
            "announced_at",
        ),
        (
            (*SUBSCRIPTION, "{at: 2026-05-10T10:00, type: access_end, subscription: s1}"),
            "subscription",
        ),
    ],
)
def test_bad_events_are_scenario_errors(events, field):
    with pytest.raises(ScenarioError) as raised:
        results(coaching(*events))
    assert raised.value.field == field


MAINTENANCE_START = datetime(2026, 3, 20, 9, tzinfo=PARIS)
MAINTENANCE = (
    "{at: 2026-03-16T09:00, type: app_maintenance, id: m1, start: 2026-03-20T09:00, "
    "end: 2026-03-20T12:00, announced_at: 2026-03-16T09:00}"
)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("cancel_at", "outcome", "code"),
    [
        (MAINTENANCE_START - timedelta(days=1), "cancelled", None),
        (MAINTENANCE_START - timedelta(minutes=1), "cancelled", None),
        (MAINTENANCE_START, "refused", "maintenance_started"),  # under way: it happened
        (MAINTENANCE_START + timedelta(days=1), "refused", "maintenance_started"),
    ],
)
def test_a_maintenance_is_called_off_as_the_service_does(cancel_at, outcome, code):
    cancel = f"{{at: {_iso(cancel_at)}, type: app_maintenance_cancel, maintenance: m1}}"
    found = results(coaching(*TRAINING, MAINTENANCE, cancel))
    (called_off,) = [r for r in found if r["kind"] == "app_maintenance_cancel"]
    (planned,) = [r for r in found if r["kind"] == "app_maintenance"]
    assert called_off["clause"] == "Art. 7.4"
    assert called_off["outcome"] == outcome
    assert called_off.get("refused_because") == code
    granted = [e["days"] for e in planned["extensions"]]
    assert granted == [1]
    if outcome == "cancelled":
        assert called_off["extensions_withdrawn"] == [{"enrolment": "e1", "days": 1}]
    w = training_world()
    row, _sent = interruptions.schedule_maintenance(
        now=datetime(2026, 3, 16, 9, tzinfo=PARIS),
        actor=w["owner"],
        provider=w["provider"],
        starts_at=MAINTENANCE_START,
        ends_at=MAINTENANCE_START + timedelta(hours=3),
        scope="app",
    )
    try:
        interruptions.cancel_maintenance(now=cancel_at, actor=w["owner"], row=row, reason="r")
    except CoachingError as exc:
        assert exc.code == code
    else:
        assert code is None


@pytest.mark.django_db
def test_a_maintenance_is_called_off_once_and_a_refused_one_not_at_all():
    twice = (
        "{at: 2026-03-17T09:00, type: app_maintenance_cancel, maintenance: m1}",
        "{at: 2026-03-18T09:00, type: app_maintenance_cancel, maintenance: m1}",
    )
    found = results(coaching(*TRAINING, MAINTENANCE, *twice), "app_maintenance_cancel")
    assert [r["outcome"] for r in found] == ["cancelled", "refused"]
    assert found[1]["refused_because"] == "already_cancelled"
    refused = (
        "{at: 2026-03-19T09:00, type: app_maintenance, id: m2, start: 2026-03-20T09:00, "
        "end: 2026-03-20T12:00, announced_at: 2026-03-19T09:00}"
    )
    cancel = "{at: 2026-03-19T10:00, type: app_maintenance_cancel, maintenance: m2}"
    with pytest.raises(ScenarioError) as caught:
        results(coaching(*TRAINING, refused, cancel))
    assert caught.value.field == "maintenance"
    with pytest.raises(ScenarioError):
        results(coaching(*TRAINING, "{at: 2026-03-19T10:00, type: app_maintenance_cancel}"))
