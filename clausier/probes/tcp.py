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

from clausier.probes.base import Probe, ProbeContext, ProbeError, time_perf
from clausier.probes.ranges import Thresholds
from clausier.probes.result import Outcome, State

READ_CHUNK = 1024  # check_tcp reads one buffer of this size, then stops if starved


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
    warn_time: str | None = None
    crit_time: str | None = None
    tls: bool = False

    def thresholds(self) -> Thresholds:
        return Thresholds.parse(self.warn_time, self.crit_time)

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
            if self.expect:
                data = await reader.read(READ_CHUNK)
                if not data:
                    raise ProbeError(
                        State.CRITICAL, f"{self.service} CRITICAL - No data received from host"
                    )
                banner = data.decode("utf-8", "replace").rstrip()
            if self.quit:
                with contextlib.suppress(OSError):
                    writer.write(self.quit.encode())
                    await writer.drain()
        finally:
            await close_stream(writer)
        elapsed = time.perf_counter() - started
        matched = not self.expect or any(self._matches(banner, e) for e in self.expect)
        state = thresholds.state(elapsed)
        if not matched and state is not State.CRITICAL:
            state = self.mismatch_state
        if not matched:
            summary = f"Unexpected response from host/socket: {banner[:200]}"
        else:
            summary = f"{elapsed:.3f} second response time on {self.host} port {self.port}"
            if banner:
                summary += f" [{banner.splitlines()[0][:200]}]"
        perf = time_perf("time", elapsed, thresholds.warn_text, thresholds.crit_text)
        return Outcome(state, f"{self.service} {state.name} - {summary}", (perf,))

    def _matches(self, banner: str, expected: str) -> bool:
        return banner.startswith(expected) if self.expect_at_start else expected in banner


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
    warn_time: str | None = None
    crit_time: str | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        thresholds = Thresholds.parse(self.warn_time, self.crit_time)
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
        perf = time_perf("time", elapsed, thresholds.warn_text, thresholds.crit_text)
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
            # check_smtp -S: "CRITICAL - STARTTLS not supported by server"
            return (
                reader,
                writer,
                Outcome(State.CRITICAL, "SMTP CRITICAL - STARTTLS not supported by server"),
            )
        reply = await self._command(reader, writer, "STARTTLS")
        if not reply.startswith("220"):
            return (
                reader,
                writer,
                Outcome(State.UNKNOWN, "SMTP UNKNOWN - Server does not support STARTTLS"),
            )
        await writer.start_tls(insecure_tls_context(), server_hostname=self.host)
        await self._command(reader, writer, self._helo())
        return reader, writer, None
