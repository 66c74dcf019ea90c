from __future__ import annotations

import math

import pytest

from clausier.probes import Range, RangeError, State, Thresholds, worst
from clausier.probes.result import PerfData


@pytest.mark.parametrize(
    ("spec", "alerting", "quiet"),
    [
        ("10", [-1, 10.5, 11], [0, 5, 10]),
        ("10:", [9.99, -3], [10, 11, 1e9]),
        ("~:10", [10.01, 100], [-1e9, 0, 10]),
        ("10:20", [9, 21], [10, 15, 20]),
        ("@10:20", [10, 15, 20], [9, 21]),
        ("@~:0", [-5, 0], [0.1]),
    ],
)
def test_it_alerts_outside_or_inside_a_range(spec: str, alerting: list[float], quiet: list[float]):
    r = Range.parse(spec)
    assert [r.alerts(v) for v in alerting] == [True] * len(alerting)
    assert [r.alerts(v) for v in quiet] == [False] * len(quiet)


def test_open_ended_bounds_are_infinite() -> None:
    assert Range.parse("~:3").start == -math.inf
    assert Range.parse("3:").end == math.inf


@pytest.mark.parametrize("spec", ["", "abc", "20:10", "1:x", "@", "nan"])
def test_it_rejects_invalid_ranges(spec: str) -> None:
    with pytest.raises(RangeError):
        Range.parse(spec)


def test_critical_wins_over_warning() -> None:
    thresholds = Thresholds.parse("5", "10")
    assert [thresholds.state(v) for v in (1, 7, 12)] == [State.OK, State.WARNING, State.CRITICAL]


def test_unknown_ranks_between_warning_and_critical() -> None:
    assert worst(State.WARNING, State.UNKNOWN) is State.UNKNOWN
    assert worst(State.UNKNOWN, State.CRITICAL) is State.CRITICAL
    assert worst() is State.OK


def test_perfdata_prints_as_plugins_print_it() -> None:
    assert str(PerfData("time", 0.25, "s", "1", "2", 0)) == "time=0.25s;1;2;0"
    assert str(PerfData("disk /", 3, "MB")) == "'disk /'=3MB"
