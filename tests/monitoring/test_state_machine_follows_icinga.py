"""The pure state machine against Icinga 2's ProcessCheckResult semantics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clausier.monitoring import statemachine as sm
from clausier.monitoring.statemachine import CheckState, NotificationKind, StateType, Suppression
from clausier.probes.result import State

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
OK, WARN, CRIT, UNKN = State.OK, State.WARNING, State.CRITICAL, State.UNKNOWN


def run(states, max_attempts=3, **kw):
    current = CheckState()
    out = []
    for i, state in enumerate(states):
        t = sm.process(
            current, state, T0 + timedelta(minutes=i), max_check_attempts=max_attempts, **kw
        )
        out.append(t)
        current = t.current
    return out


def test_first_failure_is_attempt_1_soft_and_hard_at_max_attempts():
    ts = run([OK, CRIT, CRIT, CRIT])
    assert [(t.current.state_type, t.current.attempt) for t in ts] == [
        (StateType.HARD, 1),
        (StateType.SOFT, 1),
        (StateType.SOFT, 2),
        (StateType.HARD, 3),
    ]
    assert [t.hard_changed for t in ts] == [True, False, False, True]
    assert ts[3].notify == NotificationKind.PROBLEM
    assert ts[3].current.last_hard_state == CRIT


def test_max_check_attempts_1_goes_hard_at_once():
    ts = run([OK, CRIT], max_attempts=1)
    assert ts[1].current.state_type == StateType.HARD and ts[1].notify == NotificationKind.PROBLEM


def test_recovery_is_hard_at_once_and_notified():
    ts = run([OK, CRIT, CRIT, CRIT, OK])
    last = ts[-1]
    assert last.current.state_type == StateType.HARD and last.current.attempt == 1
    assert last.hard_changed and last.notify == NotificationKind.RECOVERY


def test_soft_recovery_changes_no_hard_state_and_notifies_nobody():
    ts = run([OK, CRIT, OK])
    assert ts[2].state_changed and not ts[2].hard_changed
    assert ts[2].current.state_type == StateType.HARD and ts[2].notify is None


def test_warning_to_critical_while_hard_is_a_new_hard_change():
    ts = run([OK, WARN, WARN, WARN, CRIT, CRIT])
    assert ts[4].current.state_type == StateType.HARD and ts[4].current.attempt == 3
    assert ts[4].hard_changed and ts[4].notify == NotificationKind.PROBLEM
    assert not ts[5].hard_changed and ts[5].notify is None


def test_soft_state_change_between_problems_keeps_counting_attempts():
    ts = run([OK, WARN, CRIT, UNKN])
    assert [t.current.attempt for t in ts[1:]] == [1, 2, 3]
    assert ts[3].current.state_type == StateType.HARD and ts[3].current.last_hard_state == UNKN


def test_first_result_ok_starts_history_without_notification():
    (t,) = run([OK])
    assert t.hard_changed and t.notify is None and t.current.has_result


def test_first_result_problem_counts_from_assumed_ok():
    ts = run([CRIT, CRIT, CRIT])
    assert ts[0].current.state_type == StateType.SOFT and ts[0].current.last_hard_state == OK
    assert ts[2].notify == NotificationKind.PROBLEM


def test_unreachable_service_keeps_its_state_but_is_not_notified():
    ts = run([OK, CRIT, CRIT, CRIT], reachable=False)
    assert ts[3].hard_changed and ts[3].notification == NotificationKind.PROBLEM
    assert ts[3].suppressed_by == Suppression.UNREACHABLE and ts[3].notify is None


def test_downtime_suppresses_problem_and_recovery():
    ts = run([OK, CRIT, CRIT, CRIT, OK], in_downtime=True)
    assert (
        ts[3].suppressed_by == Suppression.DOWNTIME and ts[4].suppressed_by == Suppression.DOWNTIME
    )


def test_retry_interval_while_soft_check_interval_otherwise():
    ts = run([OK, CRIT, CRIT, CRIT])
    check, retry = timedelta(minutes=5), timedelta(minutes=1)
    assert sm.next_check(ts[0].current, T0, check, retry) == T0 + check
    assert sm.next_check(ts[1].current, T0, check, retry) == T0 + retry
    assert sm.next_check(ts[3].current, T0, check, retry) == T0 + check


def test_host_check_warning_is_up():
    assert sm.host_is_up(WARN) and not sm.host_is_up(CRIT) and not sm.host_is_up(UNKN)


# -- flapping -------------------------------------------------------------------------


def test_flapping_weights_match_icinga():
    # One change, the newest entry: weight 0.8 + 0.02*19 = 1.18 -> 5.9 %.
    assert sm.flapping_percent(1 << 19, 0) == pytest.approx(5.9)
    # One change, the oldest: 0.8 -> 4 %.
    assert sm.flapping_percent(1, 0) == pytest.approx(4.0)
    # All twenty: 19.8 / 20 -> 99 %.
    assert sm.flapping_percent((1 << 20) - 1, 7) == pytest.approx(99.0)


def test_alternating_states_start_flapping_above_30_and_replace_notifications():
    states = [OK] + [CRIT, OK] * 6
    ts = run(states, max_attempts=1)
    started = [i for i, t in enumerate(ts) if t.notification == NotificationKind.FLAPPING_START]
    assert len(started) == 1
    i = started[0]
    assert ts[i].current.flap_percent > 30 and ts[i - 1].current.flap_percent <= 30
    # While flapping, problem and recovery are not notified.
    assert all(t.notification is None for t in ts[i + 1 :])


def test_flapping_ends_at_or_below_25_percent():
    ts = run([OK] + [CRIT, OK] * 6 + [OK] * 30, max_attempts=1)
    ended = [t for t in ts if t.notification == NotificationKind.FLAPPING_END]
    assert len(ended) == 1
    assert ended[0].current.flap_percent <= 25 and ended[0].previous.flap_percent > 25


def test_flapping_hysteresis_between_25_and_30_percent():
    # Changes in the five newest entries; one more result without a change: 28 %.
    buffer = sum(1 << i for i in range(15, 20))
    flapping = CheckState(has_result=True, flapping=True, flap_buffer=buffer, flap_index=0)
    steady = CheckState(has_result=True, flapping=False, flap_buffer=buffer, flap_index=0)
    t1 = sm.process(flapping, OK, T0, max_check_attempts=3)
    t2 = sm.process(steady, OK, T0, max_check_attempts=3)
    assert t1.current.flap_percent == pytest.approx(28.0)
    assert t1.current.flapping and t1.notification is None  # stays: 28 > 25
    assert not t2.current.flapping and t2.notification is None  # does not start: 28 <= 30


# -- properties -----------------------------------------------------------------------

states = st.sampled_from([OK, WARN, CRIT, UNKN])


@given(st.lists(states, min_size=1, max_size=60), st.integers(1, 6))
def test_invariants_hold_for_any_sequence(sequence, max_attempts):
    current = CheckState()
    for i, state in enumerate(sequence):
        t = sm.process(current, state, T0 + timedelta(minutes=i), max_check_attempts=max_attempts)
        c = t.current
        assert 1 <= c.attempt <= max_attempts
        if c.state_type == StateType.HARD:
            assert c.last_hard_state == c.state
        if state == OK:
            assert c.state_type == StateType.HARD and c.attempt == 1
        if c.state_type == StateType.SOFT:
            assert c.state != OK and c.attempt < max_attempts
        assert 0 <= c.flap_percent < 100
        assert c.flapping == (c.flap_percent > (25 if t.previous.flapping else 30))
        if t.notification in (NotificationKind.PROBLEM, NotificationKind.RECOVERY):
            assert t.hard_changed and not c.flapping
        current = c


@given(st.lists(states, min_size=1, max_size=40), st.integers(1, 5))
def test_a_problem_goes_hard_after_exactly_max_attempts(sequence, max_attempts):
    """Starting from OK, `max_attempts` consecutive non-OK results make a HARD state."""
    current = CheckState()
    current = sm.process(current, OK, T0, max_check_attempts=max_attempts).current
    for i in range(max_attempts):
        current = sm.process(
            current, CRIT, T0 + timedelta(minutes=i + 1), max_check_attempts=max_attempts
        ).current
        assert (current.state_type == StateType.HARD) == (i + 1 == max_attempts)


@given(st.integers(0, 10**6), st.integers(10, 3600))
def test_spread_offset_stays_inside_the_interval(key, seconds):
    offset = sm.spread_offset(key, timedelta(seconds=seconds))
    assert timedelta(0) <= offset < timedelta(seconds=seconds)


def test_spread_offsets_of_consecutive_ids_are_even():
    interval = timedelta(seconds=60)
    buckets = [0] * 6
    for key in range(1, 6001):
        buckets[int(sm.spread_offset(key, interval).total_seconds() // 10)] += 1
    assert max(buckets) - min(buckets) < 100  # 1000 per 10-second bucket, within 10 %
