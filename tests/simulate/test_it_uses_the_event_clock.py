"""The engine takes `now` from the scenario's events, never from the system clock."""

from __future__ import annotations

from datetime import UTC, datetime

import time_machine

from tests.simulate.helpers import SCENARIOS, hosting, results, simulate


def test_the_output_does_not_depend_on_the_day_it_runs() -> None:
    text = (SCENARIOS / "managed_hosting" / "gti_boundaries.yaml").read_text(encoding="utf-8")
    with time_machine.travel(datetime(2031, 6, 1, 12, tzinfo=UTC), tick=False):
        in_2031 = simulate(text)
    with time_machine.travel(datetime(2019, 1, 1, 3, tzinfo=UTC), tick=False):
        in_2019 = simulate(text)
    assert in_2031 == in_2019


def test_an_unstarted_request_is_late_until_the_last_event_without_until() -> None:
    text = hosting(
        "{at: 2026-03-02T10:00, type: emergency_request, id: r1, server: web1, monthly_fee: 400}",
        "{at: 2026-03-02T13:00, type: ticket_opened, id: t1}",
    )
    (gti,) = results(text, "gti")
    assert (gti["at"], gti["started_at"], gti["late_minutes"]) == (
        "2026-03-02T13:00:00+01:00",
        None,
        120,
    )


def test_times_are_read_and_written_in_the_scenario_timezone() -> None:
    text = hosting(
        "{at: 2026-03-02T04:00, type: ticket_opened, id: t1}",
        "{at: 2026-03-02T04:30, type: ticket_acknowledged, ticket: t1}",
        header="timezone: America/New_York\n",
    )
    (ack,) = results(text, "ticket_ack")
    # 04:00 in New York is 10:00 in Paris (HO): due 11:00 Paris = 05:00 New York.
    assert ack["due"] == "2026-03-02T05:00:00-05:00"
    assert ack["late_minutes"] == 0


def test_an_offset_overrides_the_scenario_timezone() -> None:
    text = hosting("{at: '2026-03-02T09:00:00Z', type: ticket_opened, id: t1}")
    (ack,) = results(text, "ticket_ack")
    assert ack["received_at"] == "2026-03-02T10:00:00+01:00"


def test_quoted_and_unquoted_amounts_are_the_same_decimal() -> None:
    quoted = hosting(
        '{at: 2026-03-02T10:00, type: emergency_request, id: r1, server: a, monthly_fee: "123.40"}',
        "{at: 2026-03-02T12:00, type: intervention_start, request: r1}",
    )
    plain = quoted.replace('"123.40"', "123.4")
    assert results(quoted, "gti")[0]["credit_amount"] == "12.34"
    assert results(plain, "gti")[0]["credit_amount"] == "12.34"
