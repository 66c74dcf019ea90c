"""A fake SNMPv2c agent on loopback (IPv4 or IPv6): GET, GETNEXT and GETBULK over a
fixed table of typed values, so a case can serve exactly the value it is about (a
string where a number is expected, a storage row at a boundary)."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass

from clausier.probes.snmp_v2c import _int, _read, _tlv, decode_oid, encode_oid

INTEGER, OCTETS, COUNTER32, GAUGE32, TIMETICKS = 0x02, 0x04, 0x41, 0x42, 0x43
_GET, _NEXT, _BULK, _RESPONSE = 0xA0, 0xA1, 0xA5, 0xA2
_END_OF_MIB = 0x82


@dataclass(frozen=True)
class Value:
    tag: int
    value: int | str | bytes

    def encode(self) -> bytes:
        if self.tag == INTEGER:
            assert isinstance(self.value, int)
            return _int(self.value)
        if self.tag == OCTETS:
            raw = self.value.encode() if isinstance(self.value, str) else self.value
            assert isinstance(raw, bytes)
            return _tlv(OCTETS, raw)
        assert isinstance(self.value, int)
        body = self.value.to_bytes(max(1, (self.value.bit_length() + 8) // 8), "big")
        return _tlv(self.tag, body)


def string(text: str) -> Value:
    return Value(OCTETS, text)


def integer(number: int) -> Value:
    return Value(INTEGER, number)


def gauge(number: int) -> Value:
    return Value(GAUGE32, number)


def _key(oid: str) -> tuple[int, ...]:
    return tuple(int(p) for p in oid.strip(".").split("."))


class Agent(asyncio.DatagramProtocol):
    def __init__(self, table: dict[str, Value], community: str) -> None:
        self.table = sorted((_key(k), v) for k, v in table.items())
        self.community = community
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def _next(self, oid: tuple[int, ...]) -> tuple[tuple[int, ...], Value | None]:
        for key, value in self.table:
            if key > oid:
                return key, value
        return oid, None

    def datagram_received(self, data: bytes, addr: tuple[str | int, ...]) -> None:
        try:
            reply = self._answer(data)
        except (ValueError, IndexError):
            return
        if reply is not None and self.transport is not None:
            self.transport.sendto(reply, addr)

    def _answer(self, data: bytes) -> bytes | None:
        _tag, message, _ = _read(data, 0)
        _tag, version, pos = _read(message, 0)
        _tag, community, pos = _read(message, pos)
        if community.decode() != self.community:
            return None  # as net-snmp: a wrong community gets silence
        kind, pdu, _ = _read(message, pos)
        _tag, raw_id, pos = _read(pdu, 0)
        _tag, _non_repeaters, pos = _read(pdu, pos)
        _tag, repetitions, pos = _read(pdu, pos)
        _tag, varbinds, _ = _read(pdu, pos)
        oids: list[tuple[int, ...]] = []
        pos = 0
        while pos < len(varbinds):
            _tag, varbind, pos = _read(varbinds, pos)
            _tag, oid, _inner = _read(varbind, 0)
            oids.append(_key(decode_oid(oid)))
        answers: list[bytes] = []
        table = dict(self.table)
        for oid in oids:
            if kind == _GET:
                value = table.get(oid)
                answers.append(self._bind(oid, value, b"\x80\x00"))
            elif kind == _NEXT:
                key, value = self._next(oid)
                answers.append(self._bind(key, value, bytes([_END_OF_MIB, 0])))
            elif kind == _BULK:
                key = oid
                for _ in range(max(1, int.from_bytes(repetitions, "big"))):
                    key, value = self._next(key)
                    answers.append(self._bind(key, value, bytes([_END_OF_MIB, 0])))
                    if value is None:
                        break
        body = _tlv(0x02, raw_id) + _int(0) + _int(0) + _tlv(0x30, b"".join(answers))
        pdu_out = _tlv(_RESPONSE, body)
        return _tlv(0x30, _tlv(0x02, version) + _tlv(OCTETS, community) + pdu_out)

    @staticmethod
    def _bind(oid: tuple[int, ...], value: Value | None, missing: bytes) -> bytes:
        name = encode_oid(".".join(map(str, oid)))
        return _tlv(0x30, name + (value.encode() if value else missing))


@contextlib.contextmanager
def snmp_agent(
    table: dict[str, Value], host: str = "127.0.0.1", community: str = "public"
) -> Iterator[int]:
    """Serve `table` on `host`, an ephemeral UDP port; yields the port."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []

    async def start() -> asyncio.DatagramTransport:
        transport, _ = await loop.create_datagram_endpoint(
            lambda: Agent(table, community), local_addr=(host, 0)
        )
        port.append(transport.get_extra_info("sockname")[1])
        return transport

    def main() -> None:
        asyncio.set_event_loop(loop)
        transport = loop.run_until_complete(start())
        ready.set()
        loop.run_forever()
        transport.close()
        loop.close()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("fake SNMP agent did not start")
    try:
        yield port[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
