"""The mixed set of checks, the same three ways: engine probes, plugin command lines,
and bare asyncio exchanges (the ceiling). All against the loopback test servers."""

from __future__ import annotations

import asyncio
import contextlib
import os
import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from clausier.probes import Probe
from clausier.probes.http import HttpProbe
from clausier.probes.mysql import MysqlProbe
from clausier.probes.snmp import SnmpAuth, SnmpGetProbe
from clausier.probes.tcp import FtpProbe, ImapProbe, Pop3Probe, SmtpProbe

HOST = "127.0.0.1"
PLUGINS = "/usr/lib/nagios/plugins"
COMMUNITY = "clausier-ro"
LA_LOAD_1 = "1.3.6.1.4.1.2021.10.1.5.1"
# The "TCP banner" check of the mix: POP3 on dovecot by default. BENCH_BANNER=ftp uses
# vsftpd instead, which forks a process per connection and caps near 450 connections/s
# on this machine, for the engine, the plugins and the ceiling alike.
BANNER = os.environ.get("BENCH_BANNER", "pop3")
KINDS = ("http", BANNER, "smtp", "imap", "mysql", "snmp")


def probe(kind: str) -> Probe:
    return {
        "http": lambda: HttpProbe(host=HOST, port=18080, path="/ok", expect_string="ok"),
        "ftp": lambda: FtpProbe(host=HOST, port=12121),
        "pop3": lambda: Pop3Probe(host=HOST, port=11110),
        "smtp": lambda: SmtpProbe(host=HOST, port=12525),
        "imap": lambda: ImapProbe(host=HOST, port=11143),
        "mysql": lambda: MysqlProbe(host=HOST, port=3306),
        "snmp": lambda: SnmpGetProbe(
            host=HOST,
            port=11161,
            auth=SnmpAuth(community=COMMUNITY),
            oid=LA_LOAD_1,
            warn="50000",
            crit="90000",
        ),
    }[kind]()


def plugin_command(kind: str) -> list[str]:
    args = {
        "http": ["check_curl", "-H", HOST, "-p", "18080", "-u", "/ok", "-s", "ok"],
        "ftp": ["check_ftp", "-H", HOST, "-p", "12121"],
        "pop3": ["check_pop", "-H", HOST, "-p", "11110"],
        "smtp": ["check_smtp", "-H", HOST, "-p", "12525"],
        "imap": ["check_imap", "-H", HOST, "-p", "11143"],
        "mysql": ["check_mysql", "-H", HOST, "-P", "3306", "-u", "root"],
        "snmp": [
            "check_snmp",
            "-H",
            HOST,
            "-p",
            "11161",
            "-P",
            "2c",
            "-C",
            COMMUNITY,
            "-o",
            LA_LOAD_1,
            "-w",
            "50000",
            "-c",
            "90000",
        ],
    }[kind]
    return [f"{PLUGINS}/{args[0]}", *args[1:]]


def mixed(count: int) -> list[str]:
    return [KINDS[i % len(KINDS)] for i in range(count)]


# --- the ceiling: the least each check must do on the wire, with no verdict logic ---


async def _exchange(port: int, send: bytes | None, first_read: bool, quit_: bytes | None) -> None:
    reader, writer = await asyncio.open_connection(HOST, port)
    try:
        if first_read:
            await reader.read(1024)
        if send:
            writer.write(send)
            await writer.drain()
            await reader.read(4096)
        if quit_:
            writer.write(quit_)
            await writer.drain()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def _http() -> None:
    reader, writer = await asyncio.open_connection(HOST, 18080)
    writer.write(b"GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
    await writer.drain()
    await reader.read()  # to EOF
    writer.close()


def _ber_len(n: int) -> bytes:
    return bytes([n]) if n < 128 else bytes([0x81, n])


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _ber_len(len(body)) + body


def snmp_get_packet(community: str, oid: str, request_id: int = 1) -> bytes:
    """A hand-encoded SNMPv2c GetRequest: the ceiling pays no ASN.1 library."""
    parts = [int(p) for p in oid.split(".")]
    encoded = bytes([40 * parts[0] + parts[1]])
    for p in parts[2:]:
        chunk = [p & 0x7F]
        p >>= 7
        while p:
            chunk.insert(0, 0x80 | (p & 0x7F))
            p >>= 7
        encoded += bytes(chunk)
    varbind = _tlv(0x30, _tlv(0x06, encoded) + b"\x05\x00")
    pdu = _tlv(
        0xA0, _tlv(0x02, bytes([request_id])) + b"\x02\x01\x00\x02\x01\x00" + _tlv(0x30, varbind)
    )
    return _tlv(0x30, b"\x02\x01\x01" + _tlv(0x04, community.encode()) + pdu)


SNMP_PACKET = snmp_get_packet(COMMUNITY, LA_LOAD_1)


class _OneReply(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.reply: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: object) -> None:
        if not self.reply.done():
            self.reply.set_result(data)


async def _snmp() -> None:
    loop = asyncio.get_running_loop()
    transport, protocol = await loop.create_datagram_endpoint(_OneReply, remote_addr=(HOST, 11161))
    try:
        transport.sendto(SNMP_PACKET)
        await asyncio.wait_for(protocol.reply, 5)
    finally:
        transport.close()


async def _mysql_packet(reader: asyncio.StreamReader) -> bytes:
    header = await reader.readexactly(4)
    return await reader.readexactly(int.from_bytes(header[:3], "little"))


def _mysql_frame(payload: bytes, sequence: int) -> bytes:
    return len(payload).to_bytes(3, "little") + bytes([sequence]) + payload


# HandshakeResponse41 for root with an empty password: PROTOCOL_41 | SECURE_CONNECTION |
# PLUGIN_AUTH | LONG_PASSWORD, 16 MiB packets, utf8.
_MYSQL_LOGIN = (
    (0x200 | 0x8000 | 0x80000 | 0x1).to_bytes(4, "little")
    + (1 << 24).to_bytes(4, "little")
    + bytes([33])
    + bytes(23)
    + b"root\0"
    + b"\0"
    + b"mysql_native_password\0"
)
_MYSQL_QUERY = (
    b"\x03SHOW GLOBAL STATUS WHERE Variable_name IN ('Uptime', 'Threads_connected', "
    b"'Threads_running', 'Questions', 'Slow_queries', 'Opened_tables', 'Open_tables')"
)


async def _mysql() -> None:
    """Log in, run the engine's status query, quit: the same server work as the probe,
    on the wire by hand."""
    reader, writer = await asyncio.open_connection(HOST, 3306)
    try:
        await _mysql_packet(reader)  # server greeting
        writer.write(_mysql_frame(_MYSQL_LOGIN, 1))
        if (await _mysql_packet(reader))[0] != 0:
            raise OSError("mysql login refused")
        writer.write(_mysql_frame(_MYSQL_QUERY, 0))
        eofs = 0
        while eofs < 2:  # column definitions, EOF, rows, EOF
            packet = await _mysql_packet(reader)
            if packet[0] == 0xFF:
                raise OSError("mysql query failed")
            eofs += packet[0] == 0xFE and len(packet) < 9
        writer.write(_mysql_frame(b"\x01", 0))  # COM_QUIT
        await writer.drain()
    finally:
        writer.close()


CEILING: dict[str, Callable[[], Awaitable[None]]] = {
    "http": _http,
    "ftp": lambda: _exchange(12121, None, True, b"QUIT\r\n"),
    "pop3": lambda: _exchange(11110, None, True, b"QUIT\r\n"),
    "smtp": lambda: _exchange(12525, b"EHLO localhost\r\n", True, b"QUIT\r\n"),
    "imap": lambda: _exchange(11143, None, True, b"a1 LOGOUT\r\n"),
    "mysql": _mysql,
    "snmp": _snmp,
}


@dataclass(frozen=True)
class Figures:
    checks: int
    seconds: float
    failures: int
    latencies: list[float]
    peak_rss_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.checks / self.seconds

    def percentile(self, q: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    def describe(self) -> str:
        text = (
            f"{self.rate:8.0f} checks/s  ({self.checks} checks in {self.seconds:.2f} s, "
            f"{self.failures} not OK)"
        )
        if self.latencies:
            text += (
                f"  p50 {self.percentile(0.5) * 1000:.1f} ms  "
                f"p99 {self.percentile(0.99) * 1000:.1f} ms"
            )
        if self.peak_rss_mb is not None:
            text += f"  peak RSS {self.peak_rss_mb:.0f} MB"
        return text


def median(values: list[float]) -> float:
    return statistics.median(values)
