"""The simulator's monitoring events run the monitor's own state machine, escalation rule
and availability computation (not copies): same inputs, same answers."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from clausier.monitoring import statemachine as sm
from clausier.probes.result import State
from clausier.simulate.errors import ScenarioError
from tests.simulate.helpers import hosting, results

DEFINE = (
    "{at: '2026-03-02T09:00', type: service_defined, id: web, server: s1, check: http, "
    "max_check_attempts: 3}"
)


def check(minute: int, state: str) -> str:
    return f"{{at: '2026-03-02T10:{minute:02d}', type: check_result, service: web, state: {state}}}"


def test_state_changes_are_the_state_machines():
    states = ["OK", "CRITICAL", "WARNING", "CRITICAL", "CRITICAL", "OK", "OK"]
    text = hosting(DEFINE, *(check(i, s) for i, s in enumerate(states)))
    changes = results(text, "state_change")
    current = sm.CheckState()
    expected = []
    for i, s in enumerate(states):
        t = sm.process(
            current, State[s], datetime(2026, 3, 2, 9, i, tzinfo=UTC), max_check_attempts=3
        )
        if t.recorded:
            expected.append((t.current.state.name, t.current.state_type.upper(), t.current.attempt))
        current = t.current
    assert [(c["state"], c["state_type"], c["attempt"]) for c in changes] == expected


def test_hard_problem_alerts_and_escalates_unless_acknowledged():
    problem = [check(i, s) for i, s in enumerate(["OK", "CRITICAL", "CRITICAL", "CRITICAL"])]
    text = hosting(
        DEFINE,
        *problem,
        "{at: '2026-03-02T11:00', type: check_result, service: web, state: CRITICAL}",
    )
    (alert,) = results(text, "alert")
    assert alert["notification"] == "problem" and alert["recipients"] == ["client", "provider"]
    (escalation,) = results(text, "escalation")
    assert (
        escalation["due"] == "2026-03-02T10:33:00+01:00"
        and escalation["sent_at"] == escalation["due"]
    )
    acked = hosting(
        DEFINE, *problem, "{at: '2026-03-02T10:10', type: acknowledgement, service: web}"
    )
    (escalation,) = results(acked, "escalation")
    assert escalation["suppressed_by"] == "acknowledged" and escalation["sent_at"] is None


def test_availability_per_month_follows_the_hard_history():
    events = [check(0, "OK"), check(1, "CRITICAL"), check(2, "CRITICAL"), check(3, "CRITICAL")]
    text = hosting(
        DEFINE, *events, "{at: '2026-03-02T11:03', type: check_result, service: web, state: OK}"
    )
    by_ref = {r["ref"]: r for r in results(text, "availability")}
    assert by_ref["web"]["problem_minutes"] == 60 and by_ref["web"]["counted_minutes"] == 63
    assert by_ref["s1"]["percent"] == by_ref["web"]["percent"]


def test_an_acknowledgement_without_a_problem_is_refused():
    with pytest.raises(ScenarioError, match="no problem"):
        results(
            hosting(
                DEFINE,
                check(0, "OK"),
                "{at: '2026-03-02T10:05', type: acknowledgement, service: web}",
            )
        )


def test_a_check_result_for_an_undefined_service_is_refused():
    with pytest.raises(ScenarioError):
        results(hosting(check(0, "OK")))


def test_max_check_attempts_must_be_a_whole_number():
    bad = DEFINE.replace("max_check_attempts: 3", "max_check_attempts: 1.5")
    with pytest.raises(ScenarioError, match="whole number"):
        results(hosting(bad))
