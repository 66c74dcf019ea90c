"""MySQL, ping and SSH probes against real servers, each case also checked by
check_mysql, check_ping/check_icmp and check_by_ssh. Rows of docs/probes.md."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass

import pytest

from clausier.probes import Probe, State
from clausier.probes.mysql import MysqlProbe
from clausier.probes.ping import PingProbe
from clausier.probes.ssh import SshCommandProbe
from tests.probes.servers import (
    CLOSED_PORT,
    HOST,
    MYSQL_PORT,
    SSH_KEY,
    SSH_PORT,
    STATE_DIR,
    UNREACHABLE,
    check,
    plugin,
)

pytestmark = pytest.mark.servers


@dataclass(frozen=True)
class Case:
    name: str
    probe: Probe
    plugins: tuple[tuple[str | int, ...], ...]
    expected: State


SSH_OPTIONS = ("-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-E")


def by_ssh(command: str, key: str = str(SSH_KEY), port: int = SSH_PORT) -> tuple[str | int, ...]:
    return (
        "check_by_ssh",
        "-H",
        HOST,
        "-p",
        port,
        "-l",
        "root",
        "-i",
        key,
        *SSH_OPTIONS,
        "-C",
        command,
    )


def ssh(command: str, key: str = str(SSH_KEY), port: int = SSH_PORT) -> SshCommandProbe:
    return SshCommandProbe(host=HOST, port=port, key_path=key, command=command)


CASES = [
    Case(
        "mysql status",
        MysqlProbe(host=HOST, port=MYSQL_PORT),
        (("check_mysql", "-H", HOST, "-P", MYSQL_PORT, "-u", "root"),),
        State.OK,
    ),
    Case(
        "mysql wrong password",
        MysqlProbe(host=HOST, port=MYSQL_PORT, password="wrong"),
        (("check_mysql", "-H", HOST, "-P", MYSQL_PORT, "-u", "root", "-p", "wrong"),),
        State.CRITICAL,
    ),
    Case(
        "mysql unknown database",
        MysqlProbe(host=HOST, port=MYSQL_PORT, database="nope"),
        (("check_mysql", "-H", HOST, "-P", MYSQL_PORT, "-u", "root", "-d", "nope"),),
        State.CRITICAL,
    ),
    Case(
        "mysql port closed",
        MysqlProbe(host=HOST, port=CLOSED_PORT),
        (("check_mysql", "-H", HOST, "-P", CLOSED_PORT, "-u", "root"),),
        State.CRITICAL,
    ),
    Case(
        "ping loopback",
        PingProbe(host=HOST, count=3),
        (
            ("check_ping", "-H", HOST, "-w", "100,20%", "-c", "500,60%", "-p", 3),
            ("check_icmp", "-H", HOST, "-w", "100,20%", "-c", "500,60%", "-n", 3),
        ),
        State.OK,
    ),
    Case(
        "ping rta past warning",
        PingProbe(host=HOST, count=3, warn="0,20%", crit="500,60%"),
        (("check_ping", "-H", HOST, "-w", "0,20%", "-c", "500,60%", "-p", 3),),
        State.WARNING,
    ),
    Case(
        "ping unreachable address",
        PingProbe(host=UNREACHABLE, count=3, timeout=5),
        (
            ("check_ping", "-H", UNREACHABLE, "-w", "100,20%", "-c", "500,60%", "-p", 3),
            ("check_icmp", "-H", UNREACHABLE, "-w", "100,20%", "-c", "500,60%", "-n", 3),
        ),
        State.CRITICAL,
    ),
    Case(
        "ssh command ok", ssh("echo all good; exit 0"), (by_ssh("echo all good; exit 0"),), State.OK
    ),
    Case(
        "ssh command warning",
        ssh("echo look; exit 1"),
        (by_ssh("echo look; exit 1"),),
        State.WARNING,
    ),
    Case(
        "ssh command critical",
        ssh("echo bad; exit 2"),
        (by_ssh("echo bad; exit 2"),),
        State.CRITICAL,
    ),
    Case(
        "ssh key refused",
        ssh("true", key=str(STATE_DIR / "ssh" / "host_ed25519_key")),
        (by_ssh("true", key=str(STATE_DIR / "ssh" / "host_ed25519_key")),),
        State.UNKNOWN,
    ),
    Case(
        "ssh port closed",
        ssh("true", port=CLOSED_PORT),
        (by_ssh("true", port=CLOSED_PORT),),
        State.UNKNOWN,
    ),
]


def unreachable_route() -> bool:
    routes = subprocess.run(
        ["ip", "route", "show", "table", "local"], capture_output=True, text=True, check=False
    ).stdout
    return f"unreachable {UNREACHABLE}" in routes


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_it_agrees_with_the_plugins(servers: None, case: Case) -> None:
    if case.name == "ping unreachable address" and not unreachable_route():
        pytest.skip("no permission to add the unreachable route (scripts/servers)")
    result = check(case.probe)
    outputs = [plugin(*map(str, args)) for args in case.plugins]
    states = [state for state, _output in outputs]
    assert (result.state, states) == (case.expected, [case.expected] * len(states)), (
        f"probe: {result}\nplugins: {outputs}"
    )
