"""HTTP and HTTPS probe on raw asyncio streams, with check_curl's verdicts.

Raw streams rather than aiohttp: a probe sends one request on one connection and needs
none of a client session's pooling, and the benchmark showed the difference (see
docs/probes.md). Verdicts: 5xx CRITICAL, 4xx WARNING, 3xx OK unless told to follow,
missing string or regex CRITICAL, response time against the thresholds; with
`cert_days` the probe checks the certificate's expiry instead of the page, as
check_curl -C does.
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from clausier.probes.base import Probe, ProbeContext, ProbeError, time_perf
from clausier.probes.ranges import Thresholds
from clausier.probes.result import Outcome, PerfData, State, utcnow, worst
from clausier.probes.tcp import close_stream, insecure_tls_context, open_stream

MAX_BODY = 1 << 20  # enough for string matching; a probe is not a download
MAX_HEADER_LINES = 200
USER_AGENT = "clausier-probe/1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    reason: str
    headers: dict[str, str]
    body: bytes
    peer_cert: bytes | None


async def _read_body(reader: asyncio.StreamReader, headers: dict[str, str]) -> bytes:
    if "chunked" in headers.get("transfer-encoding", "").lower():
        parts: list[bytes] = []
        size = 0
        while size <= MAX_BODY:
            line = await reader.readline()
            chunk = int(line.split(b";", 1)[0].strip() or b"0", 16)
            if chunk == 0:
                break
            parts.append(await reader.readexactly(chunk))
            await reader.readline()  # the CRLF after each chunk
            size += chunk
        return b"".join(parts)
    if "content-length" in headers:
        length = int(headers["content-length"])
        return await reader.readexactly(min(length, MAX_BODY))
    return await reader.read(MAX_BODY)


async def fetch(
    ctx: ProbeContext,
    host: str,
    port: int,
    path: str,
    *,
    tls: bool,
    virtual_host: str | None = None,
    method: str = "GET",
    read_body: bool = True,
) -> HttpResponse:
    """One HTTP/1.1 request on a fresh connection (`Connection: close`)."""
    context = insecure_tls_context() if tls else None
    reader, writer = await open_stream(ctx, host, port, context)
    try:
        default_port = 443 if tls else 80
        host_header = virtual_host or host
        if port != default_port:
            host_header = f"{host_header}:{port}"
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: {host_header}\r\nUser-Agent: {USER_AGENT}\r\n"
            "Accept: */*\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode("latin-1"))
        await writer.drain()
        peer_cert = None
        if tls:
            ssl_object = writer.get_extra_info("ssl_object")
            if isinstance(ssl_object, ssl.SSLObject):
                peer_cert = ssl_object.getpeercert(binary_form=True)
        status_line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
        parts = status_line.split(" ", 2)
        if len(parts) < 2 or not parts[0].startswith("HTTP/") or not parts[1].isdigit():
            raise ProbeError(
                State.CRITICAL, f"HTTP CRITICAL - Invalid HTTP response: {status_line!r}"
            )
        headers: dict[str, str] = {}
        for _ in range(MAX_HEADER_LINES):
            line = (await reader.readline()).decode("latin-1").rstrip("\r\n")
            if not line:
                break
            name, _sep, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        body = await _read_body(reader, headers) if read_body and method != "HEAD" else b""
        return HttpResponse(
            int(parts[1]), parts[2] if len(parts) > 2 else "", headers, body, peer_cert
        )
    finally:
        await close_stream(writer)


def certificate_expiry(der: bytes) -> datetime:
    from cryptography import x509

    return x509.load_der_x509_certificate(der).not_valid_after_utc


def certificate_outcome(expiry: datetime, warn_days: int, crit_days: int) -> Outcome:
    """check_curl's sslutils: whole days left, WARNING within warn_days, CRITICAL within
    crit_days, CRITICAL once expired."""
    seconds_left = (expiry - utcnow()).total_seconds()
    days_left = int(seconds_left // 86400)
    when = expiry.strftime("%Y-%m-%d %H:%M:%S %z")
    if seconds_left < 0:
        return Outcome(State.CRITICAL, f"Certificate expired on {when}")
    if days_left > 0 and days_left <= warn_days:
        state = State.CRITICAL if days_left <= crit_days else State.WARNING
        return Outcome(state, f"Certificate expires in {days_left} day(s) ({when})")
    if days_left == 0:
        state = State.CRITICAL if crit_days >= 0 else State.WARNING
        return Outcome(state, f"Certificate expires today ({when})")
    return Outcome(State.OK, f"Certificate will expire on {when}")


@dataclass(frozen=True, kw_only=True)
class HttpProbe(Probe):
    kind: ClassVar[str] = "http"
    port: int | None = None
    path: str = "/"
    tls: bool = False
    virtual_host: str | None = None
    method: str = "GET"
    expect_string: str | None = None
    expect_regex: str | None = None
    regex_ignore_case: bool = False
    follow_redirects: bool = False
    max_redirects: int = 15  # check_curl's default
    warn_time: str | None = None
    crit_time: str | None = None
    # check_curl -C warn[,crit]: check the certificate only, not the page.
    cert_days: tuple[int, int] | None = None

    @property
    def effective_port(self) -> int:
        return self.port if self.port is not None else (443 if self.tls else 80)

    async def run(self, ctx: ProbeContext) -> Outcome:
        if self.cert_days is not None:
            return await self._check_certificate(ctx)
        thresholds = Thresholds.parse(self.warn_time, self.crit_time)
        started = time.perf_counter()
        host, port, path, tls = self.host, self.effective_port, self.path, self.tls
        for _hop in range(self.max_redirects + 1):
            response = await fetch(
                ctx,
                host,
                port,
                path,
                tls=tls,
                virtual_host=self.virtual_host,
                method=self.method,
            )
            location = response.headers.get("location")
            if not (self.follow_redirects and 300 <= response.status < 400 and location):
                break
            host, port, path, tls = self._redirect_target(location, host, port, path, tls)
        else:
            return Outcome(State.WARNING, "HTTP WARNING - maximum redirection depth exceeded")
        elapsed = time.perf_counter() - started
        return self._verdict(response, elapsed, thresholds)

    def _redirect_target(
        self, location: str, host: str, port: int, path: str, tls: bool
    ) -> tuple[str, int, str, bool]:
        scheme = "https" if tls else "http"
        target = urlsplit(urljoin(f"{scheme}://{host}:{port}{path}", location))
        new_tls = target.scheme == "https"
        new_port = target.port or (443 if new_tls else 80)
        new_path = target.path or "/"
        if target.query:
            new_path += f"?{target.query}"
        return target.hostname or host, new_port, new_path, new_tls

    def _verdict(self, response: HttpResponse, elapsed: float, thresholds: Thresholds) -> Outcome:
        code = response.status
        if code >= 600 or code < 100:
            return Outcome(State.CRITICAL, f"HTTP CRITICAL - Invalid Status ({code})")
        if code >= 500:
            state = State.CRITICAL
        elif code >= 400:
            state = State.WARNING
        else:
            state = State.OK  # 3xx is OK unless following was asked for (then we followed)
        messages = [f"HTTP/1.1 {code} {response.reason}".rstrip()]
        state = worst(state, thresholds.state(elapsed))
        if self.expect_string is not None and self.expect_string.encode() not in response.body:
            state = State.CRITICAL
            messages.append(f"string '{self.expect_string}' not found")
        if self.expect_regex is not None:
            flags = re.IGNORECASE if self.regex_ignore_case else 0
            text = response.body.decode("utf-8", "replace")
            if not re.search(self.expect_regex, text, flags):
                state = State.CRITICAL
                messages.append("pattern not found")
        messages.append(f"{len(response.body)} bytes in {elapsed:.3f} second response time")
        perf = (
            time_perf("time", elapsed, thresholds.warn_text, thresholds.crit_text),
            PerfData("size", len(response.body), "B", min=0),
        )
        return Outcome(state, f"HTTP {state.name} - {' - '.join(messages)}", perf)

    async def _check_certificate(self, ctx: ProbeContext) -> Outcome:
        assert self.cert_days is not None
        response = await fetch(
            ctx,
            self.host,
            self.effective_port,
            self.path,
            tls=True,
            virtual_host=self.virtual_host,
            method="HEAD",
            read_body=False,
        )
        if response.peer_cert is None:
            return Outcome(State.CRITICAL, "Cannot retrieve server certificate.")
        warn_days, crit_days = self.cert_days
        outcome = certificate_outcome(certificate_expiry(response.peer_cert), warn_days, crit_days)
        return Outcome(outcome.state, f"SSL {outcome.state.name} - {outcome.summary}")
