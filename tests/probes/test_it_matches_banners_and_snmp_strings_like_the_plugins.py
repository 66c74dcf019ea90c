"""check_tcp's np_expect_match (read on while a banner may still match) and check_snmp's
reading of a number inside a string value."""

from __future__ import annotations

import pytest

from clausier.probes.snmp import number_in_string
from clausier.probes.tcp import expect_match


@pytest.mark.parametrize(
    ("banner", "result"),
    [("220 ready", True), ("2", None), ("22", None), ("221 bye", False), ("4", False)],
)
def test_it_retries_a_banner_that_starts_like_the_expected_one(
    banner: str, result: bool | None
) -> None:
    assert expect_match(banner, ("220",), at_start=True) is result


def test_it_keeps_reading_while_a_string_may_appear_anywhere() -> None:
    assert expect_match("hello", ("READY",), at_start=False) is None
    assert expect_match("hello READY", ("READY",), at_start=False) is True
    assert expect_match("+OK hi", ("220", "+OK"), at_start=True) is True


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("42", 42.0),
        ("42 degrees", 42.0),
        ("temp=42C", 42.0),
        ("-5 below", -5.0),
        ("v2-3", 2.0),
        ("3.7", 3.7),
        ("1e3 items", 1000.0),
        ("abc", None),
        ("", None),
    ],
)
def test_it_reads_the_number_check_snmp_reads(text: str, number: float | None) -> None:
    assert number_in_string(text) == number
