"""Thresholds in the plugins' own syntaxes, at their boundaries: check_tcp's plain
seconds, check_load's padding, check_disk's rounding."""

from __future__ import annotations

import pytest

from clausier.probes import State
from clausier.probes.ranges import RangeError
from clausier.probes.snmp_checks import MIB, FreeLimit, _triple
from clausier.probes.tcp import Seconds


def test_it_alerts_above_plain_seconds_not_at_them() -> None:
    seconds = Seconds.parse("0.5", 2)
    assert seconds.state(0.5) is State.OK
    assert seconds.state(0.5001) is State.WARNING
    assert seconds.state(2) is State.WARNING
    assert seconds.state(2.0001) is State.CRITICAL


def test_it_refuses_range_syntax_where_check_tcp_takes_seconds() -> None:
    with pytest.raises(RangeError):
        Seconds.parse("10:", None)
    with pytest.raises(RangeError):
        Seconds.parse(None, "-1")


def test_it_prints_seconds_perfdata_as_check_tcp() -> None:
    assert (
        str(Seconds.parse(2, 5).perfdata(0.0012345, 10)) == "time=0.001234s;2.000000;5.000000;0;10"
    )


@pytest.mark.parametrize(
    ("spec", "expected"),
    [("5", (5, 5, 5)), ("5,4", (5, 4, 4)), ("5,4,3", (5, 4, 3)), ("1000,0", (1000, 0, 0))],
)
def test_it_pads_load_thresholds_with_the_last_value(spec: str, expected: tuple) -> None:
    assert _triple(spec) == expected


@pytest.mark.parametrize("spec", ["", "a,b", "1,2,3,4"])
def test_it_refuses_load_thresholds_that_are_not_one_to_three_numbers(spec: str) -> None:
    with pytest.raises(RangeError):
        _triple(spec)


TOTAL = 100 * MIB


@pytest.mark.parametrize(
    ("free", "crossed"),
    [
        (21 * MIB, False),  # 21 % free
        (int(20.9 * MIB), True),  # used 79.1 % rounds up to 80: 20 % free
        (20 * MIB, True),  # the limit itself alerts
        (19 * MIB, True),
    ],
)
def test_it_reads_a_percent_limit_as_check_disk(free: int, crossed: bool) -> None:
    assert FreeLimit.parse("20%", "MB").disk_crossed(free, TOTAL) is crossed


@pytest.mark.parametrize(
    ("free", "crossed"),
    [(21 * MIB, False), (int(20.9 * MIB), True), (20 * MIB, True), (19 * MIB, True)],
)
def test_it_reads_an_amount_limit_in_whole_mib_as_check_disk(free: int, crossed: bool) -> None:
    assert FreeLimit.parse("20", "MB").disk_crossed(free, TOTAL) is crossed


def test_it_gives_disk_limits_as_used_space_for_perfdata() -> None:
    assert FreeLimit.parse("20%", "MB").used_limit(TOTAL) == 80 * MIB
    assert FreeLimit.parse("10", "MB").used_limit(TOTAL) == 90 * MIB
