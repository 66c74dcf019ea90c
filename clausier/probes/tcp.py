"""TCP connect and banner probes: generic TCP, FTP, POP3, IMAP and SMTP.

They follow check_tcp (whose check_ftp, check_pop and check_imap are aliases) and
check_smtp: a refused connection or a socket timeout is CRITICAL, a connection that closes
without a word is CRITICAL for check_tcp and WARNING for check_smtp, an unexpected banner
is WARNING (check_tcp's `--mismatch`), and response time is compared with the thresholds
after the conversation, CRITICAL first.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import ssl
import time
from dataclasses import dataclass
from typing import ClassVar

from clausier.probes.base import Probe, ProbeContext, ProbeError
from clausier.probes.ranges import RangeError
from clausier.probes.result import Outcome, PerfData, State

READ_CHUNK = 1024  # check_tcp's buffer: it reads this much at a time
# check_tcp's READ_TIMEOUT: while a banner may still match, it waits this long for more.
MORE_DATA_WAIT = 2.0


@dataclass(frozen=True, slots=True)
class Seconds:
    """check_tcp's and check_smtp's -w/-c: plain seconds, alert when the response time is
    above them (not the range syntax of the other plugins)."""

    warn: float | None
    crit: float | None

    @classmethod
    def parse(cls, warn: str | float | None, crit: str | float | None) -> Seconds:
        return cls(_seconds(warn), _seconds(crit))

    def state(self, elapsed: float) -> State:
        if self.crit is not None and elapsed > self.crit:
            return State.CRITICAL
        if self.warn is not None and elapsed > self.warn:
            return State.WARNING
        return State.OK

    def perfdata(self, elapsed: float, timeout: float) -> PerfData:
        # As check_tcp prints it: time=0.000123s;2.000000;5.000000;0.000000;10.000000
        return PerfData(
            "time",
            round(elapsed, 6),
            "s",
            None if self.warn is None else f"{self.warn:f}",
            None if self.crit is None else f"{self.crit:f}",
            0,
            timeout,
        )


def _seconds(value: str | float | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        seconds = float(value)
    except ValueError:
        raise RangeError(f"response time threshold must be plain seconds: {value!r}") from None
    if not seconds >= 0:
        raise RangeError(f"response time threshold must be plain seconds: {value!r}")
    return seconds


def expect_match(banner: str, expected: tuple[str, ...], at_start: bool) -> bool | None:
    """check_tcp's np_expect_match: True when one string matches; None ("retry": read
    more) when the banner so far is the start of an expected one, or always when the
    string may appear anywhere; False otherwise."""
    partial = False
    for wanted in expected:
        if at_start:
            if banner.startswith(wanted):
                return True
            partial = partial or wanted.startswith(banner)
        elif wanted in banner:
            return True
    return None if partial or not at_start else False


async def open_stream(
    ctx: ProbeContext,
    host: str,
    port: int,
    tls: ssl.SSLContext | None = None,
    *,
    server_name: str | None = None,
    limit: int = 1 << 16,
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Connect to the first address of `host`, resolved off the event loop.

    `server_name` is the name sent in the TLS hello (SNI), `host` by default.
    """
    addresses = await ctx.resolve(host, port)
    last_error: OSError | None = None
    for address in addresses:
        try:
            return await asyncio.open_connection(
                address,
                port,
                ssl=tls,
                server_hostname=(server_name or host) if tls else None,
                limit=limit,
            )
        except OSError as exc:
            last_error = exc
    assert last_error is not None
    raise last_error


async def close_stream(writer: asyncio.StreamWriter) -> None:
    writer.close()
    # A peer that already vanished makes wait_closed() raise; the check is over anyway.
    with contextlib.suppress(OSError, asyncio.IncompleteReadError):
        await writer.wait_closed()


@functools.cache
def insecure_tls_context() -> ssl.SSLContext:
    """The plugins do not verify certificates unless asked; neither do we.

    One context for every probe: contexts are reusable and not free to build.
    """
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


@dataclass(frozen=True, kw_only=True)
class TcpProbe(Probe):
    """check_tcp: connect, optionally send, expect a string, send the quit string."""

    kind: ClassVar[str] = "tcp"
    service: ClassVar[str] = "TCP"
    port: int
    send: str | None = None
    expect: tuple[str, ...] = ()
    quit: str | None = None
    # The predefined services (ftp, pop, imap) require the banner to *start* with the
    # expected string; a user-given expect string may appear anywhere.
    expect_at_start: bool = False
    mismatch_state: State = State.WARNING
    refuse_state: State = State.CRITICAL
    warn_time: str | float | None = None  # plain seconds, as check_tcp -w
    crit_time: str | float | None = None
    tls: bool = False

    def thresholds(self) -> Seconds:
        return Seconds.parse(self.warn_time, self.crit_time)

    async def run(self, ctx: ProbeContext) -> Outcome:
        thresholds = self.thresholds()
        started = time.perf_counter()
        tls = insecure_tls_context() if self.tls else None
        try:
            reader, writer = await open_stream(ctx, self.host, self.port, tls)
        except ConnectionRefusedError:
            return Outcome(
                self.refuse_state,
                f"{self.service} {self.refuse_state.name} - Connection refused "
                f"({self.host}:{self.port})",
            )
        banner = ""
        try:
            if self.send:
                writer.write(self.send.encode())
                await writer.drain()
            matched: bool | None = True
            if self.expect:
                banner, matched = await self._read_banner(reader)
            if self.quit:
                with contextlib.suppress(OSError):
                    writer.write(self.quit.encode())
                    await writer.drain()
        finally:
            await close_stream(writer)
        elapsed = time.perf_counter() - started
        state = thresholds.state(elapsed)
        if not matched and state is not State.CRITICAL:
            state = self.mismatch_state
        if not matched:
            summary = f"Unexpected response from host/socket: {banner[:200]}"
        else:
            summary = f"{elapsed:.3f} second response time on {self.host} port {self.port}"
            if banner:
                summary += f" [{banner.splitlines()[0][:200]}]"
        perf = thresholds.perfdata(elapsed, self.timeout)
        return Outcome(state, f"{self.service} {state.name} - {summary}", (perf,))

    async def _read_banner(self, reader: asyncio.StreamReader) -> tuple[str, bool | None]:
        """Read until the expected string matches or cannot match any more. A banner cut
        by a packet boundary keeps check_tcp reading as long as more comes within
        MORE_DATA_WAIT; then what came is judged as it is."""
        data = b""
        while True:
            try:
                async with asyncio.timeout(MORE_DATA_WAIT if data else None):
                    chunk = await reader.read(READ_CHUNK)
            except TimeoutError:
                chunk = b""
            if not chunk:
                if not data:
                    raise ProbeError(
                        State.CRITICAL, f"{self.service} CRITICAL - No data received from host"
                    )
                return data.decode("utf-8", "replace").rstrip(), False
            data += chunk
            banner = data.decode("utf-8", "replace")
            matched = expect_match(banner, self.expect, self.expect_at_start)
            if matched is not None:
                return banner.rstrip(), matched


@dataclass(frozen=True, kw_only=True)
class FtpProbe(TcpProbe):
    kind: ClassVar[str] = "ftp"
    service: ClassVar[str] = "FTP"
    port: int = 21
    expect: tuple[str, ...] = ("220",)
    quit: str | None = "QUIT\r\n"
    expect_at_start: bool = True


@dataclass(frozen=True, kw_only=True)
class Pop3Probe(TcpProbe):
    kind: ClassVar[str] = "pop3"
    service: ClassVar[str] = "POP"
    port: int = 110
    expect: tuple[str, ...] = ("+OK",)
    quit: str | None = "QUIT\r\n"
    expect_at_start: bool = True


@dataclass(frozen=True, kw_only=True)
class ImapProbe(TcpProbe):
    kind: ClassVar[str] = "imap"
    service: ClassVar[str] = "IMAP"
    port: int = 143
    expect: tuple[str, ...] = ("* OK",)
    quit: str | None = "a1 LOGOUT\r\n"
    expect_at_start: bool = True


async def _smtp_reply(reader: asyncio.StreamReader) -> str:
    """One SMTP reply, multi-line replies (`250-...`) included; '' if the peer closed."""
    lines: list[str] = []
    while True:
        raw = await reader.readline()
        if not raw:
            return "\n".join(lines)
        line = raw.decode("utf-8", "replace").rstrip("\r\n")
        lines.append(line)
        if len(line) < 4 or line[3] != "-":
            return "\n".join(lines)


@dataclass(frozen=True, kw_only=True)
class SmtpProbe(Probe):
    """check_smtp: banner 220, HELO or EHLO, optional STARTTLS, QUIT."""

    kind: ClassVar[str] = "smtp"
    port: int = 25
    expect: str = "220"
    helo_name: str = "localhost"
    ehlo: bool = True
    starttls: bool = False
    warn_time: str | float | None = None  # plain seconds, as check_smtp -w
    crit_time: str | float | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        thresholds = Seconds.parse(self.warn_time, self.crit_time)
        started = time.perf_counter()
        reader, writer = await open_stream(ctx, self.host, self.port)
        try:
            banner = await _smtp_reply(reader)
            if not banner:
                return Outcome(State.WARNING, "SMTP WARNING - recv() failed")
            if self.expect not in banner:
                return Outcome(
                    State.WARNING,
                    f"Invalid SMTP response received from host on port {self.port}: {banner[:200]}",
                )
            reply = await self._command(reader, writer, self._helo())
            if self.starttls:
                reader, writer, problem = await self._starttls(reader, writer, reply)
                if problem:
                    return problem
            with contextlib.suppress(OSError, asyncio.IncompleteReadError):
                await self._command(reader, writer, "QUIT")
        finally:
            await close_stream(writer)
        elapsed = time.perf_counter() - started
        state = thresholds.state(elapsed)
        perf = thresholds.perfdata(elapsed, self.timeout)
        summary = f"SMTP {state.name} - {elapsed:.3f} sec. response time"
        first = banner.splitlines()[0]
        return Outcome(state, f"{summary}, {first[:200]}", (perf,))

    def _helo(self) -> str:
        return f"{'EHLO' if self.ehlo or self.starttls else 'HELO'} {self.helo_name}"

    @staticmethod
    async def _command(
        reader: asyncio.StreamReader, writer: asyncio.StreamWriter, command: str
    ) -> str:
        writer.write(f"{command}\r\n".encode())
        await writer.drain()
        reply = await _smtp_reply(reader)
        if not reply:
            raise ProbeError(State.WARNING, "SMTP WARNING - recv() failed")
        return reply

    async def _starttls(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, ehlo_reply: str
    ) -> tuple[asyncio.StreamReader, asyncio.StreamWriter, Outcome | None]:
        if "STARTTLS" not in ehlo_reply.upper():
            # check_smtp -S on a server that does not offer it: WARNING.
            return (
                reader,
                writer,
                Outcome(State.WARNING, "SMTP WARNING - TLS not supported by server"),
            )
        reply = await self._command(reader, writer, "STARTTLS")
        if not reply.startswith("220"):
            return (
                reader,
                writer,
                Outcome(State.UNKNOWN, "SMTP UNKNOWN - Server does not support STARTTLS"),
            )
        try:
            await writer.start_tls(insecure_tls_context(), server_hostname=self.host)
        except ssl.SSLError as exc:
            raise ProbeError(
                State.CRITICAL, f"SMTP CRITICAL - Cannot make SSL connection ({exc.reason})"
            ) from None
        writer.write(f"{self._helo()}\r\n".encode())
        await writer.drain()
        if not await _smtp_reply(reader):
            # check_smtp: "SMTP UNKNOWN - Cannot read EHLO response via TLS."
            return (
                reader,
                writer,
                Outcome(State.UNKNOWN, "SMTP UNKNOWN - Cannot read EHLO response via TLS."),
            )
        return reader, writer, None
