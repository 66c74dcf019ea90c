"""A bad scenario gets one clear error naming its line and field (exit code 2)."""

from __future__ import annotations

import pytest

from clausier.simulate import ScenarioError
from tests.simulate.helpers import coaching, hosting, simulate

REQUEST = (
    "{at: 2026-03-02T10:00, type: emergency_request, id: r1, server: web1, monthly_fee: 400.00}"
)


def error_of(text: str) -> str:
    with pytest.raises(ScenarioError) as caught:
        simulate(text)
    return str(caught.value)


CASES = {
    "unknown event type": (
        hosting("{at: 2026-03-02T10:00, type: emergency_requets, id: r1}"),
        "test.yaml, line 3, field 'type': unknown event type 'emergency_requets'",
    ),
    "event of the other service line": (
        hosting("{at: 2026-03-02T10:00, type: session_cancel, session: s1}"),
        "test.yaml, line 3, field 'type': session_cancel is not an event of managed_hosting "
        "(only of coaching_training)",
    ),
    "missing field": (
        hosting("{at: 2026-03-02T10:00, type: emergency_request, id: r1, server: web1}"),
        "test.yaml, line 3, field 'monthly_fee': is required for emergency_request",
    ),
    "missing at": (
        hosting("{type: ticket_opened, id: t1}"),
        "test.yaml, line 3, field 'at': is required in every event",
    ),
    "extra field": (
        hosting("{at: 2026-03-02T10:00, type: ticket_opened, id: t1, priority: high}"),
        "test.yaml, line 3, field 'priority': unknown field for ticket_opened; "
        "expected at, id, type",
    ),
    "bad date": (
        hosting("{at: 2026-02-30T10:00, type: ticket_opened, id: t1}"),
        "test.yaml, line 3, field 'at': '2026-02-30T10:00' is not an ISO date-time "
        "like 2026-03-02T09:00",
    ),
    "a date without a time": (
        hosting("{at: 2026-03-02, type: ticket_opened, id: t1}"),
        "test.yaml, line 3, field 'at': '2026-03-02' is a date; a date and time like "
        "2026-03-02T09:00 is needed",
    ),
    "a local time skipped by DST": (
        hosting("{at: 2026-03-29T02:30, type: ticket_opened, id: t1}"),
        "test.yaml, line 3, field 'at': 2026-03-29T02:30 does not exist in Europe/Paris "
        "(clocks go forward); give an offset or another time",
    ),
    "a local time repeated by DST": (
        hosting("{at: 2026-10-25T02:30, type: ticket_opened, id: t1}"),
        "test.yaml, line 3, field 'at': 2026-10-25T02:30 happens twice in Europe/Paris "
        "(clocks go back); give an offset like +02:00 or +01:00",
    ),
    "amount with three decimals": (
        hosting(REQUEST.replace("400.00", "400.125")),
        "test.yaml, line 3, field 'monthly_fee': '400.125' has 3 decimals; amounts are "
        "euros with at most 2, like 12.35",
    ),
    "a float's binary noise": (
        hosting(REQUEST.replace("400.00", "0.30000000000000004")),
        "test.yaml, line 3, field 'monthly_fee': '0.30000000000000004' has 17 decimals; "
        "amounts are euros with at most 2, like 12.35",
    ),
    "amount in scientific notation": (
        hosting(REQUEST.replace("400.00", "4e2")),
        "test.yaml, line 3, field 'monthly_fee': '4e2' is not an amount in euros like 1250.00",
    ),
    "negative amount": (
        hosting(REQUEST.replace("400.00", "-400.00")),
        "test.yaml, line 3, field 'monthly_fee': '-400.00' is not an amount in euros like 1250.00",
    ),
    "percentage out of range": (
        hosting(
            "{at: 2026-04-01T09:00, type: ha_availability, service: web1, month: 2026-03, "
            "percent: 100.5, monthly_fee: 200.00}"
        ),
        "test.yaml, line 3, field 'percent': 100.5 is not between 0 and 100",
    ),
    "bad month": (
        hosting(
            "{at: 2026-04-01T09:00, type: ha_availability, service: web1, month: 2026-13, "
            "percent: 99, monthly_fee: 200.00}"
        ),
        "test.yaml, line 3, field 'month': '2026-13' is not a month like 2026-03",
    ),
    "bad flag": (
        hosting(REQUEST.replace("}", ", blocking: yes}")),
        "test.yaml, line 3, field 'blocking': 'yes' is not true or false",
    ),
    "bad choice": (
        coaching(
            "{at: 2026-01-01T09:00, type: subscription_started, id: s1, instalment_ht: 100, "
            "periodicity: weekly}"
        ),
        "test.yaml, line 3, field 'periodicity': 'weekly' is not one of monthly, quarterly, "
        "half_yearly, yearly",
    ),
    "empty value": (
        hosting("{at: 2026-03-02T10:00, type: ticket_opened, id: }"),
        "test.yaml, line 3, field 'id': is empty",
    ),
    "reference to an unknown id": (
        hosting(REQUEST, "{at: 2026-03-02T10:30, type: intervention_start, request: r2}"),
        "test.yaml, line 4, field 'request': no emergency_request with id 'r2' before this event",
    ),
    "reference to an id of another kind": (
        hosting(
            "{at: 2026-03-02T10:00, type: ticket_opened, id: t1}",
            "{at: 2026-03-02T10:30, type: intervention_start, request: t1}",
        ),
        "test.yaml, line 4, field 'request': 't1' is the id of ticket_opened (line 3), "
        "not of emergency_request",
    ),
    "duplicate id": (
        hosting(REQUEST, "{at: 2026-03-02T10:00, type: ticket_opened, id: r1}"),
        "test.yaml, line 4, field 'id': 'r1' is already the id of emergency_request on line 3",
    ),
    "events out of chronological order": (
        hosting(REQUEST, "{at: 2026-03-02T09:59, type: intervention_start, request: r1}"),
        "test.yaml, line 4, field 'at': is before the previous event (emergency_request on "
        "line 3); events must be in chronological order",
    ),
    "duplicate key": (
        hosting("{at: 2026-03-02T10:00, type: ticket_opened, id: t1, id: t2}"),
        "test.yaml, line 3, field 'id': appears twice in an event (first on line 3)",
    ),
    "unknown top-level field": (
        "service_line: managed_hosting\nevent: []\nevents: []\n",
        "test.yaml, line 2, field 'event': unknown field; expected service_line, terms, "
        "timezone, contract_start, until, provider_calendar, events",
    ),
    "missing service line": (
        "events: []\n",
        "test.yaml, line 1, field 'service_line': is required",
    ),
    "unknown service line": (
        "service_line: hosting\nevents: []\n",
        "test.yaml, line 1, field 'service_line': must be one of managed_hosting, "
        "coaching_training",
    ),
    "unknown terms version": (
        "service_line: managed_hosting\nterms: '9.9'\nevents: []\n",
        "test.yaml, line 2, field 'terms': "
        "no managed_hosting terms version '9.9' (available: 1.0, 1.1)",
    ),
    "unknown time zone": (
        "service_line: managed_hosting\ntimezone: Europe/Lyon\nevents: []\n",
        "test.yaml, line 2, field 'timezone': unknown time zone 'Europe/Lyon'",
    ),
    "events not a list": (
        "service_line: managed_hosting\nevents: {}\n",
        "test.yaml, line 2, field 'events': must be a list of events",
    ),
    "until before the last event": (
        hosting(REQUEST, header="until: 2026-03-01T00:00\n"),
        "test.yaml, line 2, field 'until': is before the last event of the scenario",
    ),
    "invalid YAML": (
        "service_line: managed_hosting\nevents:\n  - {at: 2026-03-02T10:00, type: [\n",
        "test.yaml, line 4: invalid YAML: expected the node content, but found '<stream end>'",
    ),
    "an emergency before the contract start": (
        hosting(REQUEST, header="contract_start: 2026-04-01\n"),
        "test.yaml, line 4, field 'at': is before the contract start 2026-04-01",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES), ids=lambda case: case.replace(" ", "_"))
def test_the_error_names_the_line_and_field(case: str) -> None:
    text, message = CASES[case]
    assert error_of(text) == message


# Problems only the replay can see are reported on the event that causes them.
RUN_CASES = {
    "starting twice": (
        hosting(
            REQUEST,
            "{at: 2026-03-02T10:10, type: intervention_start, request: r1}",
            "{at: 2026-03-02T10:20, type: intervention_start, request: r1}",
        ),
        "test.yaml, line 5, field 'request': r1 was already started",
    ),
    "resuming what is not paused": (
        hosting(
            REQUEST,
            "{at: 2026-03-02T10:10, type: intervention_start, request: r1}",
            "{at: 2026-03-02T10:20, type: intervention_resume, request: r1}",
        ),
        "test.yaml, line 5, field 'request': r1 is not paused",
    ),
    "pausing before the start": (
        hosting(
            REQUEST,
            "{at: 2026-03-02T10:10, type: intervention_pause, request: r1, reason: backup_restore}",
        ),
        "test.yaml, line 4, field 'request': r1 has not started (intervention_start)",
    ),
    "two fees for one server and month": (
        hosting(
            REQUEST,
            "{at: 2026-03-09T10:00, type: emergency_request, id: r2, server: web1, "
            "monthly_fee: 450.00}",
        ),
        "test.yaml, line 4, field 'monthly_fee': web1 already has a monthly fee of 400.00 "
        "for 2026-03 (line 3); one fee per service and month",
    ),
    "a revision without an index": (
        hosting("{at: 2026-03-02T10:00, type: anniversary_revision, id: rev, amount: 100}"),
        "test.yaml, line 3, field 'type': an anniversary_revision needs a syntec_index "
        "event before it",
    ),
    "an unknown provider calendar": (
        "service_line: managed_hosting\nprovider_calendar: FR-99\nevents: []\n",
        "test.yaml, line 2, field 'provider_calendar': unknown FR subdivision: '99' "
        "(write FR, or FR-57 for Moselle)",
    ),
    "a revision before any index was published": (
        hosting(
            "{at: 2026-03-01T09:00, type: syntec_index, series: new, month: 2026-02, "
            "value: 300.0, published_on: 2026-03-05}",
            "{at: 2026-03-02T10:00, type: anniversary_revision, id: rev, amount: 100}",
        ),
        "test.yaml, line 4, field 'at': no syntec_index was published on or before 2026-03-02",
    ),
    "a first revision without an amount": (
        hosting(
            "{at: 2026-03-01T09:00, type: syntec_index, series: new, month: 2026-02, value: 300}",
            "{at: 2026-03-02T10:00, type: anniversary_revision, id: rev}",
        ),
        "test.yaml, line 4, field 'amount': is required for the first revision",
    ),
    "an index published before its month": (
        hosting(
            "{at: 2026-03-01T09:00, type: syntec_index, series: new, month: 2026-02, "
            "value: 300.0, published_on: 2026-01-31}",
        ),
        "test.yaml, line 3, field 'published_on': is before the month it measures (2026-02)",
    ),
    "an index in the wrong series": (
        hosting(
            "{at: 2023-04-05T09:00, type: syntec_index, series: old, month: 2023-03, value: 296.2}"
        ),
        "test.yaml, line 3, field 'series': an index for 2023-03 is in the new series "
        "(the series changed in 2022-08)",
    ),
    "an agreement without a request": (
        coaching(
            "{at: 2026-03-01T09:00, type: training_scheduled, id: o1, "
            "starts_at: 2026-05-04T09:00, price_ht: 4000}",
            "{at: 2026-04-01T09:00, type: opco_agreement, training: o1, covered_ht: 4000}",
        ),
        "test.yaml, line 4, field 'training': o1 has no opco_request before this agreement",
    ),
    "a notice before the contract started": (
        coaching(
            "{at: 2026-01-01T09:00, type: subscription_started, id: s1, instalment_ht: 100, "
            "periodicity: monthly}",
            "{at: 2026-01-02T09:00, type: termination_notice, subscription: s1}",
        ),
        "test.yaml, line 4, field 'subscription': s1 has not started (first_invoice_paid)",
    ),
    "cancelling a postponed session": (
        coaching(
            "{at: 2026-03-01T09:00, type: session_scheduled, id: s1, starts_at: 2026-03-12T10:00}",
            "{at: 2026-03-02T09:00, type: session_postpone_request, session: s1}",
            "{at: 2026-03-03T09:00, type: session_cancel, session: s1}",
        ),
        "test.yaml, line 5, field 'session': s1 was already postponed",
    ),
    "paying twice": (
        coaching(
            "{at: 2026-03-01T09:00, type: invoice_issued, id: i1, amount_ttc: 100, "
            "due_at: 2026-03-31}",
            "{at: 2026-03-02T09:00, type: invoice_paid, invoice: i1}",
            "{at: 2026-03-03T09:00, type: invoice_paid, invoice: i1}",
        ),
        "test.yaml, line 5, field 'invoice': i1 was already paid",
    ),
}


@pytest.mark.parametrize("case", sorted(RUN_CASES), ids=lambda case: case.replace(" ", "_"))
def test_a_replay_error_names_the_event_line_and_field(case: str) -> None:
    text, message = RUN_CASES[case]
    assert error_of(text) == message
