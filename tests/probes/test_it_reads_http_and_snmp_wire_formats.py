"""Wire formats parsed by hand: HTTP bodies, certificate expiry, SNMPv2c packets."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from bench.mix import snmp_get_packet
from clausier.probes import State
from clausier.probes.http import certificate_outcome
from clausier.probes.http_wire import BodyScan, Head
from clausier.probes.http_wire import read_body as read_http_body
from clausier.probes.result import utcnow
from clausier.probes.snmp_v2c import decode_oid, decode_response, encode_get, encode_oid


def read_body(raw: bytes, headers: dict[str, str]) -> bytes:
    async def run() -> bytes:
        reader = asyncio.StreamReader()
        reader.feed_data(raw)
        reader.feed_eof()
        scan = BodyScan()
        await read_http_body(reader, Head("HTTP/1.1", 200, "OK", headers, 0), scan)
        return bytes(scan.kept)

    return asyncio.run(run())


def test_it_reads_a_chunked_body() -> None:
    raw = b"5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n"
    assert read_body(raw, {"transfer-encoding": "chunked"}) == b"hello, world"


def test_it_reads_a_body_by_length_or_to_the_end() -> None:
    assert read_body(b"abcdef", {"content-length": "3"}) == b"abc"
    assert read_body(b"abcdef", {}) == b"abcdef"


@pytest.mark.parametrize(
    ("days_left", "warn", "crit", "state"),
    [(40, 30, 14, State.OK), (20, 30, 14, State.WARNING), (10, 30, 14, State.CRITICAL)],
)
def test_certificate_days_as_check_curl_counts_them(
    days_left: int, warn: int, crit: int, state: State
) -> None:
    expiry = utcnow() + timedelta(days=days_left, hours=1)
    assert certificate_outcome(expiry, warn, crit).state is state


def test_an_expired_certificate_is_critical() -> None:
    outcome = certificate_outcome(utcnow() - timedelta(hours=1), 30, 14)
    assert outcome.state is State.CRITICAL
    assert "expired" in outcome.summary


def test_our_get_request_matches_an_independent_encoding() -> None:
    oid = "1.3.6.1.4.1.2021.10.1.5.1"
    assert encode_get("clausier-ro", 1, [oid]) == snmp_get_packet("clausier-ro", oid, 1)


def test_oids_survive_a_round_trip() -> None:
    oid = "1.3.6.1.4.1.8072.1.3.2.3.1.2.5.109.97.105.108.113"
    assert decode_oid(encode_oid(oid)[2:]) == oid


def test_it_decodes_a_get_response() -> None:
    def tlv(tag: int, body: bytes) -> bytes:
        return bytes([tag, len(body)]) + body

    varbinds = tlv(0x30, encode_oid("1.3.6.1.2.1.1.3.0") + tlv(0x43, b"\x01\x00")) + tlv(
        0x30, encode_oid("1.3.6.1.2.1.1.5.0") + tlv(0x04, b"agent")
    )
    pdu = tlv(
        0xA2, tlv(0x02, b"\x2a") + tlv(0x02, b"\x00") + tlv(0x02, b"\x00") + tlv(0x30, varbinds)
    )
    packet = tlv(0x30, tlv(0x02, b"\x01") + tlv(0x04, b"public") + pdu)
    request_id, status, values = decode_response(packet)
    assert (request_id, status) == (42, 0)
    assert values == {"1.3.6.1.2.1.1.3.0": 256, "1.3.6.1.2.1.1.5.0": "agent"}


def scan_chunks(*chunks: bytes, string: bytes | None = None, regex: str | None = None):
    import re

    scan = BodyScan(string, re.compile(regex, re.MULTILINE) if regex else None)
    for chunk in chunks:
        scan.feed(chunk)
    scan.finish()
    return scan


def test_it_finds_a_string_cut_between_two_reads() -> None:
    assert scan_chunks(b"xxnee", b"dlexx", string=b"needle").string_found
    assert not scan_chunks(b"xxnee", b"xdlexx", string=b"needle").string_found


def test_it_matches_a_regex_line_by_line_past_the_kept_megabyte() -> None:
    scan = scan_chunks(b"z\n" * (1 << 20), b"nee", b"dle\nrest", regex="^needle$")
    assert scan.regex_found
    assert len(scan.kept) == 1 << 20
    assert scan.size == (2 << 20) + len(b"needle\nrest")


@pytest.mark.parametrize(
    ("raw", "headers"),
    [
        (b"zz\r\nbody\r\n0\r\n\r\n", {"transfer-encoding": "chunked"}),
        (b"10\r\nshort", {"transfer-encoding": "chunked"}),
        (b"body", {"content-length": "-5"}),
        (b"body", {"content-length": "abc"}),
        (b"short", {"content-length": "100"}),
    ],
)
def test_it_calls_broken_framing_critical_in_words(raw: bytes, headers: dict[str, str]) -> None:
    from clausier.probes.base import ProbeError

    with pytest.raises(ProbeError) as error:
        read_body(raw, headers)
    assert error.value.state is State.CRITICAL
    assert error.value.summary.startswith("HTTP CRITICAL - Invalid HTTP response received: ")


def test_it_brackets_an_ipv6_host_header() -> None:
    from clausier.probes.http import authority

    assert authority("::1", 8080, tls=False) == "[::1]:8080"
    assert authority("::1", 443, tls=True) == "[::1]"
    assert authority("example.org", 80, tls=False) == "example.org"
