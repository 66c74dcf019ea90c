"""Echo replies lost on purpose (the TUN responder of fake_icmp answers only the echoes
a case chooses): the probe reports the loss as check_icmp does, with perfdata, and a
lost reply costs the probe its reply wait, not its whole timeout."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from clausier.probes import State
from clausier.probes.ping import PingProbe
from tests.probes import fake_icmp
from tests.probes.agreement import PYTHON_TEXT
from tests.probes.servers import check, plugin

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers", "tun")]


@pytest.fixture
def tun(servers: None) -> None:
    # scripts/servers (the servers fixture) adds the interface where the host allows it.
    if not fake_icmp.available():
        pytest.skip("no clausier-tun interface")


LOSSES: list[tuple[str, Callable[[int], bool], str, str, State]] = [
    ("every reply", lambda n: True, "200,40%", "500,80%", State.OK),
    ("one reply of five lost", lambda n: n != 2, "200,10%", "500,80%", State.WARNING),
    (
        "three replies of five lost",
        lambda n: n in (1, 3),
        "200,40%",
        "500,80%",
        State.WARNING,
    ),
    ("four replies of five lost", lambda n: n == 3, "200,40%", "500,70%", State.CRITICAL),
    ("every reply lost", lambda n: False, "200,40%", "500,80%", State.CRITICAL),
]


@pytest.mark.parametrize(
    ("name", "answer", "warn", "crit", "expected"), LOSSES, ids=[case[0] for case in LOSSES]
)
def test_it_reports_lost_replies_as_check_icmp_does(
    name: str, answer: Callable[[int], bool], warn: str, crit: str, expected: State
) -> None:
    probe = PingProbe(host=fake_icmp.TARGET, warn=warn, crit=crit, timeout=10)
    with fake_icmp.exclusive():
        with fake_icmp.responder(answer):
            result = check(probe)
        with fake_icmp.responder(answer):
            state, output = plugin("check_icmp", "-H", fake_icmp.TARGET, "-w", warn, "-c", crit)
    assert (result.state, state) == (expected, expected), f"{result}\n{output}"
    assert result.summary.startswith(f"PING {expected.name} - Packet loss = ")
    assert [p.label for p in result.perfdata] == ["rta", "pl"]
    assert not PYTHON_TEXT.search(result.summary)
    # Lost replies cost the reply wait (2 s), never the 10 s timeout.
    assert result.duration < 4, result.duration


def test_it_does_not_stall_when_no_reply_comes_back() -> None:
    """Nothing attached to the TUN device: every echo vanishes, as behind a firewall."""
    with fake_icmp.exclusive():
        result = check(PingProbe(host=fake_icmp.TARGET, timeout=10))
        state, output = plugin(
            "check_ping", "-H", fake_icmp.TARGET, "-w", "100,20%", "-c", "500,60%"
        )
    assert (result.state, state) == (State.CRITICAL, State.CRITICAL), f"{result}\n{output}"
    assert str(result) == (
        "PING CRITICAL - Packet loss = 100% | rta=U;100.000000;500.000000;0 pl=100%;20;60;0"
    )
    assert result.duration < 4, result.duration
