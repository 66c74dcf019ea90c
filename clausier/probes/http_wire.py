"""Reading one HTTP/1.x response off a stream, strictly enough to call a broken server
broken, and without keeping a large page in memory.

Framing errors (a chunk size that is not hexadecimal, a Content-Length that is not a
number, a body cut short, a header line longer than curl accepts) raise `ProbeError`
CRITICAL with a readable message, as check_curl reports libcurl's error: a broken reply
is an outage, not a bug in the probe.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass

from clausier.probes.base import ProbeError
from clausier.probes.result import State

MAX_BODY = 1 << 20  # kept for the verdict; the rest is scanned and counted, not kept
# libcurl refuses a single header line over CURL_MAX_HTTP_HEADER (100 KiB).
MAX_HEADER_LINE = 100 << 10
MAX_HEADER_BYTES = 1 << 20
STREAM_LIMIT = MAX_HEADER_LINE + 2  # StreamReader's line limit: one header line and CRLF
READ_SIZE = 1 << 16
_HEX = re.compile(rb"[0-9A-Fa-f]{1,16}")


def broken(reason: str) -> ProbeError:
    return ProbeError(State.CRITICAL, f"HTTP CRITICAL - Invalid HTTP response received: {reason}")


class BodyScan:
    """Counts the body, keeps its first MAX_BODY bytes, and looks for the expected
    string and regex over all of it (check_curl reads the whole page).

    The regex is searched line-wise, as check_curl compiles it with REG_NEWLINE: a match
    cannot span lines, so complete lines can be searched as they arrive.
    """

    def __init__(self, string: bytes | None = None, regex: re.Pattern[str] | None = None):
        self.string = string
        self.regex = regex
        self.kept = bytearray()
        self.size = 0
        self.string_found = string is None
        self.regex_found = regex is None
        self._tail = b""
        self._partial_line = b""

    def feed(self, data: bytes) -> None:
        self.size += len(data)
        room = MAX_BODY - len(self.kept)
        if room > 0:
            self.kept += data[:room]
        if not self.string_found:
            assert self.string is not None
            window = self._tail + data
            self.string_found = self.string in window
            keep = len(self.string) - 1
            self._tail = window[-keep:] if keep else b""
        if not self.regex_found:
            text = self._partial_line + data
            complete, newline, rest = text.rpartition(b"\n")
            if newline:
                self._search(complete)
                self._partial_line = rest
            elif len(text) > MAX_BODY:
                self._search(text)  # one endless line: search it rather than grow
                self._partial_line = b""
            else:
                self._partial_line = text

    def finish(self) -> None:
        if not self.regex_found and self._partial_line:
            self._search(self._partial_line)

    def _search(self, raw: bytes) -> None:
        assert self.regex is not None
        self.regex_found = self.regex_found or bool(
            self.regex.search(raw.decode("utf-8", "replace"))
        )


@dataclass(frozen=True, slots=True)
class Head:
    version: str
    status: int
    reason: str
    headers: dict[str, str]
    size: int  # bytes of status line and headers, as check_curl counts the page


async def _line(reader: asyncio.StreamReader) -> bytes:
    try:
        return await reader.readuntil(b"\n")
    except asyncio.LimitOverrunError:
        raise broken("header line too long") from None
    except asyncio.IncompleteReadError as exc:
        return exc.partial


async def read_head(reader: asyncio.StreamReader) -> Head:
    """Status line and headers, skipping 1xx interim responses (100 Continue)."""
    while True:
        raw = await _line(reader)
        if not raw:
            raise broken("empty reply from server")
        status_line = raw.decode("latin-1").rstrip("\r\n")
        parts = status_line.split(" ", 2)
        if (
            len(parts) < 2
            or not parts[0].startswith("HTTP/")
            or not (parts[1].isdigit() and len(parts[1]) == 3)
        ):
            raise broken(f"unparsable status line {status_line[:80]!r}")
        size = len(raw)
        headers: dict[str, str] = {}
        while True:
            line = await _line(reader)
            size += len(line)
            if size > MAX_HEADER_BYTES:
                raise broken("headers too long")
            text = line.decode("latin-1").rstrip("\r\n")
            if not text:
                break
            name, _sep, value = text.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(parts[1])
        if 100 <= status < 200 and status != 101:
            continue
        return Head(parts[0], status, parts[2] if len(parts) > 2 else "", headers, size)


async def read_body(reader: asyncio.StreamReader, head: Head, scan: BodyScan) -> None:
    if "chunked" in head.headers.get("transfer-encoding", "").lower():
        await _read_chunked(reader, scan)
    elif "content-length" in head.headers:
        text = head.headers["content-length"]
        if not text.isdigit():
            raise broken(f"invalid Content-Length {text[:40]!r}")
        await _read_exactly(reader, int(text), scan)
    else:
        while data := await reader.read(READ_SIZE):
            scan.feed(data)
    scan.finish()


async def _read_exactly(reader: asyncio.StreamReader, length: int, scan: BodyScan) -> None:
    left = length
    while left:
        data = await reader.read(min(left, READ_SIZE))
        if not data:
            raise broken(f"connection closed after {length - left} of {length} body bytes")
        scan.feed(data)
        left -= len(data)


async def _read_chunked(reader: asyncio.StreamReader, scan: BodyScan) -> None:
    while True:
        line = (await _line(reader)).rstrip(b"\r\n")
        token = line.split(b";", 1)[0].strip()
        if not _HEX.fullmatch(token):
            raise broken(f"invalid chunk size {token[:20].decode('latin-1')!r}")
        size = int(token, 16)
        if size == 0:
            return  # trailers, if any, are not needed for a verdict
        await _read_exactly(reader, size, scan)
        await _line(reader)  # the CRLF after each chunk
