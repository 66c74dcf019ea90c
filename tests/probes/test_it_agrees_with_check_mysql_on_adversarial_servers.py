"""MySQL greetings that are not what a client expects: garbage, a foreign protocol
version, an error packet, a hang-up at each step. The probe and check_mysql agree."""

from __future__ import annotations

import struct
from typing import Any

import pytest

from clausier.probes import State
from clausier.probes.mysql import MysqlProbe
from tests.probes.agreement import Case, ids, run_case
from tests.probes.fakes import V6, Expect, Pause, Send, script

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers")]


def packet(payload: bytes, seq: int = 0) -> bytes:
    return struct.pack("<I", len(payload))[:3] + bytes([seq]) + payload


def greeting(version: int = 10) -> bytes:
    """A MariaDB-like initial handshake packet (protocol `version`, native password)."""
    capabilities = 0x81BFF7FF
    payload = (
        bytes([version])
        + b"5.5.5-10.11.6-MariaDB-fake\0"
        + struct.pack("<I", 7)
        + b"abcdefgh\0"
        + struct.pack("<H", capabilities & 0xFFFF)
        + bytes([33])
        + struct.pack("<H", 2)
        + struct.pack("<H", capabilities >> 16)
        + bytes([21])
        + b"\0" * 10
        + b"ijklmnopqrst\0"
        + b"mysql_native_password\0"
    )
    return packet(payload)


def probe(r: Any) -> MysqlProbe:
    return MysqlProbe(host=r.host, port=r.port, timeout=5)


def check_mysql(r: Any) -> tuple[str | int, ...]:
    return ("check_mysql", "-H", r.host, "-P", r.port)


def server(*steps: Any) -> Any:
    return script(*steps, linger=0.5)


CASES = [
    Case(
        "an HTTP server on the MySQL port",
        server(Send(b"HTTP/1.1 400 Bad Request\r\n\r\n")),
        probe,
        check_mysql,
        State.CRITICAL,
    ),
    Case(
        "a short garbage packet",
        server(Send(b"\x05\x00\x00\x00\x0aab")),
        probe,
        check_mysql,
        State.CRITICAL,
    ),
    Case("a greeting cut short", server(Send(greeting()[:20])), probe, check_mysql, State.CRITICAL),
    Case("protocol version 9", server(Send(greeting(9))), probe, check_mysql, State.WARNING),
    # Connector/C only refuses older versions; then this server hangs up on the login.
    Case("protocol version 11", server(Send(greeting(11))), probe, check_mysql, State.CRITICAL),
    Case(
        "an error packet instead of a greeting",
        server(Send(packet(b"\xff\x10\x04Too many connections"))),
        probe,
        check_mysql,
        State.CRITICAL,
    ),
    Case("hang-up before the greeting", server(), probe, check_mysql, State.CRITICAL),
    Case(
        "hang-up after the login packet",
        server(Send(greeting()), Expect(b"\0"), Pause(0.1)),
        probe,
        check_mysql,
        State.CRITICAL,
    ),
    Case(
        "access denied",
        server(
            Send(greeting()),
            Expect(b"\0"),
            Send(packet(b"\xff\x15\x04#28000Access denied for user 'root'", seq=2)),
        ),
        probe,
        check_mysql,
        State.CRITICAL,
    ),
    Case(
        "garbage over IPv6",
        server(Send(b"SSH-2.0-OpenSSH_9.2\r\n")),
        probe,
        check_mysql,
        State.CRITICAL,
        host=V6,
    ),
    Case(
        "protocol version 9 over IPv6",
        server(Send(greeting(9))),
        probe,
        check_mysql,
        State.WARNING,
        host=V6,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_it_agrees_with_check_mysql(case: Case) -> None:
    run_case(case)
