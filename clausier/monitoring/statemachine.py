"""Icinga 2's check-result semantics as a pure function: no database, no clock.

`process(previous, result_state, ...)` is what Icinga 2's `Checkable::ProcessCheckResult`
does with one check result (lib/icinga/checkable-check.cpp, 2.14): attempts, SOFT and
HARD state types, hard changes, reachability, flapping, and which notification the
result triggers. The monitor (`monitoring.services.results`) and the simulator
(`simulate.hosting`) both call it; neither keeps a copy of these rules.

Semantics (docs/monitoring.md, "Icinga semantics"):
- OK -> not-OK: attempt 1; SOFT unless `max_check_attempts` is 1 (then HARD at once).
- not-OK -> not-OK while SOFT: attempt + 1; HARD when the attempt reaches the maximum.
- not-OK -> not-OK while HARD: stays HARD with its attempt; a different problem state
  (WARNING <-> CRITICAL <-> UNKNOWN) is a new HARD change.
- not-OK -> OK: a recovery, HARD at once, attempt 1. From a SOFT problem nobody was told
  of, the last hard state stays OK: no hard change and no notification (Icinga sends a
  recovery only to whoever got the problem).
- Host down: the server's other services are unreachable; their state is still
  processed, their notifications are suppressed (Icinga's implicit host dependency).
- Flapping: a ring of the last 20 results, each "did the state change"; the weighted
  share (oldest 0.8 .. newest 1.18, step 0.02, over 20) in percent; flapping starts
  above 30 % and ends at or below 25 %. While flapping, FlappingStart/End replace the
  problem and recovery notifications.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum

from clausier.probes.result import State

FLAP_RING = 20
FLAP_THRESHOLD_HIGH = 30.0  # Icinga 2 flapping_threshold_high
FLAP_THRESHOLD_LOW = 25.0  # Icinga 2 flapping_threshold_low
_FULL_RING = (1 << FLAP_RING) - 1


class StateType(StrEnum):
    SOFT = "soft"
    HARD = "hard"


class NotificationKind(StrEnum):
    PROBLEM = "problem"
    RECOVERY = "recovery"
    FLAPPING_START = "flapping_start"
    FLAPPING_END = "flapping_end"


class Suppression(StrEnum):
    UNREACHABLE = "unreachable"  # the host check is down (implicit dependency)
    DOWNTIME = "downtime"
    ACKNOWLEDGED = "acknowledged"  # a re-notification of an acknowledged problem
    FLAPPING = "flapping"


def is_ok(state: State) -> bool:
    return state == State.OK


def host_is_up(state: State) -> bool:
    """A host check's plugin state as Icinga maps it: OK and WARNING are UP."""
    return state in (State.OK, State.WARNING)


@dataclass(frozen=True, slots=True)
class CheckState:
    """What Icinga keeps per checkable between two results."""

    state: State = State.OK
    state_type: StateType = StateType.HARD
    attempt: int = 1
    last_hard_state: State = State.OK
    # No result yet: the first one starts the history (and the availability window).
    has_result: bool = False
    last_state_change: datetime | None = None
    last_hard_state_change: datetime | None = None
    flapping: bool = False
    flap_buffer: int = 0  # bit i: whether result at ring index i changed the state
    flap_index: int = 0  # where the next result is written (the oldest entry)
    flap_percent: float = 0.0


@dataclass(frozen=True, slots=True)
class Transition:
    previous: CheckState
    current: CheckState
    state_changed: bool  # the state differs from the previous result's (soft or hard)
    hard_changed: bool  # the last hard state changed: a new entry in the hard history
    notification: NotificationKind | None  # what would be sent, before suppression
    suppressed_by: Suppression | None  # why it is not sent, if it is not
    reachable: bool

    @property
    def notify(self) -> NotificationKind | None:
        return None if self.suppressed_by else self.notification

    @property
    def recorded(self) -> bool:
        """Whether the result enters the state history: every state change, soft or hard,
        the first result, and each soft attempt (Nagios' SERVICE ALERT lines), so the
        history shows how a problem became HARD."""
        return (
            self.state_changed
            or self.hard_changed
            or not self.previous.has_result
            or self.current.state_type == StateType.SOFT
        )


def flapping_percent(buffer: int, index: int) -> float:
    """Icinga 2's weighted share of state changes in the ring, oldest first from `index`."""
    total = 0.0
    for i in range(FLAP_RING):
        if buffer >> ((index + i) % FLAP_RING) & 1:
            total += 0.8 + 0.02 * i
    return 100.0 * total / FLAP_RING


def _update_flapping(previous: CheckState, changed: bool) -> tuple[int, int, float, bool]:
    buffer = previous.flap_buffer & ~(1 << previous.flap_index)
    if changed:
        buffer |= 1 << previous.flap_index
    buffer &= _FULL_RING
    index = (previous.flap_index + 1) % FLAP_RING
    percent = flapping_percent(buffer, index)
    threshold = FLAP_THRESHOLD_LOW if previous.flapping else FLAP_THRESHOLD_HIGH
    return buffer, index, percent, percent > threshold


def _attempt_and_type(
    previous: CheckState, state: State, max_check_attempts: int
) -> tuple[int, StateType]:
    if is_ok(state):
        return 1, StateType.HARD  # OK -> OK, and every recovery: HARD at once
    if not previous.has_result or is_ok(previous.state):
        attempt = 1
    elif previous.state_type == StateType.SOFT:
        attempt = previous.attempt + 1
    else:
        return previous.attempt, StateType.HARD  # a HARD problem stays HARD
    if attempt >= max_check_attempts:
        return max_check_attempts, StateType.HARD
    return attempt, StateType.SOFT


def process(
    previous: CheckState,
    state: State,
    now: datetime,
    *,
    max_check_attempts: int,
    reachable: bool = True,
    in_downtime: bool = False,
    acknowledged: bool = False,
    flap_detection: bool = True,
) -> Transition:
    """The checkable's state after one result, and what to notify."""
    if max_check_attempts < 1:
        raise ValueError("max_check_attempts must be at least 1")
    attempt, state_type = _attempt_and_type(previous, state, max_check_attempts)
    first = not previous.has_result
    state_changed = not first and state != previous.state
    last_hard = state if state_type == StateType.HARD else previous.last_hard_state
    if first and state_type == StateType.SOFT:
        # Before any result the service is assumed OK (Icinga's initial state).
        last_hard = State.OK
    hard_changed = (first and state_type == StateType.HARD) or (
        not first and last_hard != previous.last_hard_state
    )
    if flap_detection:
        buffer, index, percent, flapping = _update_flapping(previous, state_changed)
    else:
        buffer, index, percent, flapping = previous.flap_buffer, previous.flap_index, 0.0, False
    current = replace(
        previous,
        state=state,
        state_type=state_type,
        attempt=attempt,
        last_hard_state=last_hard,
        has_result=True,
        last_state_change=now if (state_changed or first) else previous.last_state_change,
        last_hard_state_change=now if hard_changed else previous.last_hard_state_change,
        flapping=flapping,
        flap_buffer=buffer,
        flap_index=index,
        flap_percent=percent,
    )
    notification = _notification(previous, current, hard_changed, first)
    suppressed = _suppression(notification, reachable, in_downtime, acknowledged)
    return Transition(
        previous, current, state_changed, hard_changed, notification, suppressed, reachable
    )


def _notification(
    previous: CheckState, current: CheckState, hard_changed: bool, first: bool
) -> NotificationKind | None:
    if current.flapping and not previous.flapping:
        return NotificationKind.FLAPPING_START
    if previous.flapping and not current.flapping:
        return NotificationKind.FLAPPING_END
    if current.flapping or not hard_changed:
        return None
    if is_ok(current.last_hard_state):
        # A first OK result is not a recovery: nothing was wrong.
        return None if first else NotificationKind.RECOVERY
    return NotificationKind.PROBLEM


def _suppression(
    notification: NotificationKind | None, reachable: bool, in_downtime: bool, acknowledged: bool
) -> Suppression | None:
    if notification is None:
        return None
    if not reachable:
        return Suppression.UNREACHABLE
    if in_downtime:
        return Suppression.DOWNTIME
    if acknowledged and notification == NotificationKind.PROBLEM:
        return Suppression.ACKNOWLEDGED
    return None


def next_check(
    current: CheckState, now: datetime, check_interval: timedelta, retry_interval: timedelta
) -> datetime:
    """Icinga's schedule: the retry interval while in a SOFT problem, else the check
    interval (a HARD problem is checked at the normal interval again)."""
    soft_problem = not is_ok(current.state) and current.state_type == StateType.SOFT
    return now + (retry_interval if soft_problem else check_interval)


def spread_offset(key: int, interval: timedelta) -> timedelta:
    """Where in its interval a service is first checked: a stable hash of its key spread
    over the interval (Icinga 2 does the same with a hash of the object name), so that
    services created together are not all due at the same second."""
    seconds = interval.total_seconds()
    if seconds <= 0:
        return timedelta(0)
    # Knuth's multiplicative hash: consecutive primary keys land far apart.
    fraction = ((key * 2654435761) % 2**32) / 2**32
    return timedelta(seconds=seconds * fraction)
