"""HTTP and HTTPS probe on raw asyncio streams, with check_curl's verdicts.

Raw streams rather than aiohttp: a probe sends one request on one connection and needs
none of a client session's pooling, and the benchmark showed the difference (see
docs/probes.md). Verdicts: 5xx CRITICAL, 4xx WARNING, 3xx OK unless told to follow,
missing string or regex CRITICAL, response time against the thresholds; with
`cert_days` the probe checks the certificate's expiry instead of the page, as
check_curl -C does.
"""

from __future__ import annotations

import re
import ssl
import time
from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from urllib.parse import urljoin, urlsplit

from clausier.probes.base import Probe, ProbeContext, ProbeError
from clausier.probes.http_wire import STREAM_LIMIT, BodyScan, broken, read_head
from clausier.probes.http_wire import read_body as read_body_into
from clausier.probes.ranges import Thresholds
from clausier.probes.result import Outcome, PerfData, State, utcnow, worst
from clausier.probes.tcp import close_stream, insecure_tls_context, open_stream

USER_AGENT = "clausier-probe/1"


@dataclass(frozen=True, slots=True)
class HttpResponse:
    status: int
    reason: str
    version: str
    headers: dict[str, str]
    body: bytes  # the first MAX_BODY bytes
    size: int  # headers and body, as check_curl counts a page
    string_found: bool
    regex_found: bool
    peer_cert: bytes | None


def authority(host: str, port: int, tls: bool) -> str:
    """The Host header: an IPv6 literal goes in brackets (RFC 9110 7.2, RFC 3986
    3.2.2); the port only when it is not the scheme's default."""
    name = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return name if port == (443 if tls else 80) else f"{name}:{port}"


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
    scan: BodyScan | None = None,
) -> HttpResponse:
    """One HTTP/1.1 request on a fresh connection (`Connection: close`).

    The TLS hello names the virtual host when there is one (SNI), as check_curl does:
    a server with several certificates picks by that name.
    """
    context = insecure_tls_context() if tls else None
    try:
        reader, writer = await open_stream(
            ctx, host, port, context, server_name=virtual_host, limit=STREAM_LIMIT
        )
    except ssl.SSLError as exc:
        raise ProbeError(
            State.CRITICAL,
            f"HTTP CRITICAL - TLS handshake with {host}:{port} failed ({exc.reason})",
        ) from None
    scan = scan or BodyScan()
    try:
        request = (
            f"{method} {path} HTTP/1.1\r\nHost: {authority(virtual_host or host, port, tls)}\r\n"
            f"User-Agent: {USER_AGENT}\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        )
        writer.write(request.encode("latin-1"))
        await writer.drain()
        peer_cert = None
        if tls:
            ssl_object = writer.get_extra_info("ssl_object")
            if isinstance(ssl_object, ssl.SSLObject):
                peer_cert = ssl_object.getpeercert(binary_form=True)
        head = await read_head(reader)
        if read_body and method != "HEAD" and head.status not in (204, 304):
            await read_body_into(reader, head, scan)
        return HttpResponse(
            head.status,
            head.reason,
            head.version,
            head.headers,
            bytes(scan.kept),
            head.size + scan.size,
            scan.string_found,
            scan.regex_found,
            peer_cert,
        )
    except ssl.SSLError as exc:
        raise broken(f"TLS error ({exc.reason})") from None
    finally:
        await close_stream(writer)


def certificate_expiry(der: bytes) -> datetime:
    from cryptography import x509  # noqa: PLC0415 - only when a certificate is checked

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

    def scan(self) -> BodyScan:
        # -r is compiled with REG_NEWLINE: ^ and $ match at every line.
        flags = re.MULTILINE | (re.IGNORECASE if self.regex_ignore_case else 0)
        try:
            regex = re.compile(self.expect_regex, flags) if self.expect_regex is not None else None
        except re.error as exc:
            # check_curl exits UNKNOWN on a regex it cannot compile.
            raise ProbeError(
                State.UNKNOWN, f"HTTP UNKNOWN - Could not compile regular expression: {exc.msg}"
            ) from None
        return BodyScan(
            self.expect_string.encode() if self.expect_string is not None else None, regex
        )

    async def run(self, ctx: ProbeContext) -> Outcome:
        if self.cert_days is not None:
            return await self._check_certificate(ctx)
        thresholds = Thresholds.parse(self.warn_time, self.crit_time)
        started = time.perf_counter()
        host, port, path, tls = self.host, self.effective_port, self.path, self.tls
        virtual_host = self.virtual_host
        url = path
        for _hop in range(self.max_redirects + 1):
            response = await fetch(
                ctx,
                host,
                port,
                path,
                tls=tls,
                virtual_host=virtual_host,
                method=self.method,
                scan=self.scan(),
            )
            if not (self.follow_redirects and 300 <= response.status < 400):
                break
            location = response.headers.get("location")
            if not location:
                # check_http's (and check_curl's documented) verdict; docs/probes.md
                return Outcome(State.UNKNOWN, "HTTP UNKNOWN - Could not find redirect location")
            target = self._redirect_target(location, virtual_host or host, port, path, tls)
            here = (virtual_host or host, port, path, tls)
            if target[0] != (virtual_host or host):
                virtual_host = None
            host = host if virtual_host else target[0]
            port, path, tls = target[1:]
            url = (
                f"{'https' if tls else 'http'}://{authority(virtual_host or host, port, tls)}{path}"
            )
            # check_curl's rule: a loop is a redirect to the very URL just fetched; a
            # longer cycle ends at the depth limit, WARNING.
            if (virtual_host or host, port, path, tls) == here:
                return Outcome(
                    State.CRITICAL, f"HTTP CRITICAL - redirection creates an infinite loop - {url}"
                )
        else:
            return Outcome(
                State.WARNING,
                f"HTTP WARNING - maximum redirection depth {self.max_redirects} exceeded - {url}",
            )
        elapsed = time.perf_counter() - started
        return self._verdict(response, elapsed, thresholds)

    @staticmethod
    def _redirect_target(
        location: str, host: str, port: int, path: str, tls: bool
    ) -> tuple[str, int, str, bool]:
        scheme = "https" if tls else "http"
        try:
            target = urlsplit(urljoin(f"{scheme}://{authority(host, port, tls)}{path}", location))
            new_tls = target.scheme == "https"
            if target.scheme not in ("http", "https"):
                raise ValueError(target.scheme)
            new_port = target.port or (443 if new_tls else 80)
        except ValueError:
            raise ProbeError(
                State.UNKNOWN,
                f"HTTP UNKNOWN - Could not parse redirect location '{location[:200]}'",
            ) from None
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
        status = f"{response.version} {code} {response.reason}".rstrip()
        messages = []
        state = worst(state, thresholds.state(elapsed))
        if not response.string_found:
            state = State.CRITICAL
            messages.append(f"string '{self.expect_string}' not found")
        if not response.regex_found:
            state = State.CRITICAL
            messages.append("pattern not found")
        messages.append(f"{response.size} bytes in {elapsed:.3f} second response time")
        perf = (
            PerfData(
                "time",
                round(elapsed, 6),
                "s",
                thresholds.warn_text,
                thresholds.crit_text,
                0,
                self.timeout,
            ),
            PerfData("size", response.size, "B", min=0),
        )
        return Outcome(state, f"HTTP {state.name}: {status} - {' - '.join(messages)}", perf)

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
