"""check_curl -r with a regex that does not compile exits UNKNOWN before connecting;
so does the probe, with the reason in words."""

from __future__ import annotations

import asyncio

from clausier.probes import State
from clausier.probes.http import HttpProbe


def test_it_is_unknown_before_connecting() -> None:
    result = asyncio.run(HttpProbe(host="127.0.0.1", port=1, expect_regex="a(").check())
    assert result.state is State.UNKNOWN
    assert result.summary.startswith("HTTP UNKNOWN - Could not compile regular expression: ")
