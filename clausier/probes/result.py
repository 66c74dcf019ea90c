"""What a probe returns: a state, a one-line summary and performance data.

The shapes follow the monitoring-plugins output so that a result can be printed the way
Nagios and Icinga print a plugin's output and compared with one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import IntEnum


class State(IntEnum):
    """Plugin states; the integer is the plugin's exit code."""

    OK = 0
    WARNING = 1
    CRITICAL = 2
    UNKNOWN = 3


# monitoring-plugins' max_state_alt(): UNKNOWN is worse than WARNING but better than
# CRITICAL, so it is not the integer order of the exit codes.
_SEVERITY = {State.OK: 0, State.WARNING: 1, State.UNKNOWN: 2, State.CRITICAL: 3}


def worst(*states: State) -> State:
    """The most severe state, ranked as the plugins rank them."""
    return max(states, key=_SEVERITY.__getitem__, default=State.OK)


def _fmt_number(value: float | None) -> str:
    if value is None:
        return ""
    if isinstance(value, int) or (math.isfinite(value) and value == int(value)):
        return str(int(value))
    return f"{value:.6g}"


@dataclass(frozen=True, slots=True)
class PerfData:
    """One performance value, as in `'label'=value[unit];warn;crit;min;max`."""

    label: str
    value: float | None  # None: not measured ("U", as check_ping prints a lost RTA)
    unit: str = ""
    warn: str | None = None
    crit: str | None = None
    min: float | None = None
    max: float | None = None

    def __str__(self) -> str:
        label = f"'{self.label}'" if (" " in self.label or "=" in self.label) else self.label
        fields = [
            "U" if self.value is None else f"{_fmt_number(self.value)}{self.unit}",
            self.warn or "",
            self.crit or "",
            _fmt_number(self.min),
            _fmt_number(self.max),
        ]
        return f"{label}={';'.join(fields).rstrip(';')}"


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True, slots=True)
class Result:
    """A probe's verdict. `duration` is in seconds; `timestamp` is when the probe started."""

    state: State
    summary: str
    perfdata: tuple[PerfData, ...] = ()
    duration: float = 0.0
    timestamp: datetime = field(default_factory=utcnow)

    def __str__(self) -> str:
        # Summaries are written as the plugins print them ("HTTP OK - ..."), state included.
        line = self.summary
        if self.perfdata:
            line += " | " + " ".join(str(p) for p in self.perfdata)
        return line


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a probe body computes; the probe base class adds duration and timestamp."""

    state: State
    summary: str
    perfdata: tuple[PerfData, ...] = ()
