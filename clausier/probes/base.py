"""The probe base class and the per-event-loop context probes share.

A probe is a frozen dataclass: its fields are the check's configuration, so it can be
stored, compared and sent to a worker; `check()` performs it once. Faults every probe
can meet (timeout, refused connection, name that does not resolve) are classified here,
once, the way the monitoring-plugins classify them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
import ssl
import time
import weakref
from dataclasses import dataclass
from typing import Any, ClassVar

from clausier.probes.ranges import RangeError
from clausier.probes.result import Outcome, PerfData, Result, State, utcnow
from clausier.probes.snmp_v2c import V2cClient

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 10.0  # seconds, the plugins' default (-t 10)
# getaddrinfo tells no TTL; five minutes follows a moved host soon enough while sparing
# the resolver thousands of lookups per round.
DNS_TTL = 300.0


class ProbeError(Exception):
    """A failure the probe has already classified: it carries the state to report."""

    def __init__(self, state: State, summary: str) -> None:
        super().__init__(summary)
        self.state = state
        self.summary = summary


class ProbeContext:
    """Resources shared by all probes running on one event loop.

    pysnmp engines and DNS answers are expensive to build and safe to share within a
    loop, but not across loops, hence one context per loop.
    """

    _by_loop: ClassVar[weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ProbeContext]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self) -> None:
        self._dns: dict[tuple[str, int], tuple[float, asyncio.Future[list[str]]]] = {}
        self._snmp_engine: Any = None
        self._snmp_v2c: Any = None

    @classmethod
    def current(cls) -> ProbeContext:
        loop = asyncio.get_running_loop()
        ctx = cls._by_loop.get(loop)
        if ctx is None:
            ctx = cls._by_loop[loop] = cls()
        return ctx

    @property
    def snmp_engine(self) -> Any:
        if self._snmp_engine is None:
            from pysnmp.hlapi.v3arch.asyncio import SnmpEngine  # noqa: PLC0415 - heavy optional library

            self._snmp_engine = SnmpEngine()
        return self._snmp_engine

    @property
    def snmp_v2c(self) -> Any:
        if self._snmp_v2c is None:
            self._snmp_v2c = V2cClient()
        return self._snmp_v2c

    def close(self) -> None:
        if self._snmp_v2c is not None:
            self._snmp_v2c.close()
            self._snmp_v2c = None
        if self._snmp_engine is not None:
            self._snmp_engine.close_dispatcher()
            self._snmp_engine = None

    async def resolve(self, host: str, port: int = 0) -> list[str]:
        """Addresses for `host`, looked up off the event loop and cached for the context.

        getaddrinfo blocks, so it runs in the loop's executor; concurrent probes of the
        same host share one lookup instead of queueing thousands on the thread pool.
        """
        try:
            return [str(ipaddress.ip_address(host))]
        except ValueError:
            pass
        key = (host, port)
        now = time.monotonic()
        cached = self._dns.get(key)
        future: asyncio.Future[list[str]]
        if cached is None or cached[0] < now:
            future = asyncio.ensure_future(self._lookup(host, port))
            self._dns[key] = (now + DNS_TTL, future)
        else:
            future = cached[1]
        try:
            return list(await asyncio.shield(future))
        except OSError:
            # A failed lookup is not cached: the next round asks again.
            self._dns.pop(key, None)
            raise

    @staticmethod
    async def _lookup(host: str, port: int) -> list[str]:
        loop = asyncio.get_running_loop()
        infos = await loop.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True, kw_only=True)
class Probe:
    """Base of all probes. Subclasses implement `run()` and set `kind`."""

    kind: ClassVar[str] = "probe"
    host: str
    timeout: float = DEFAULT_TIMEOUT

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # The monitoring app stores a check as (kind, fields): `kind` must name one class.
        known = PROBE_KINDS.get(cls.kind)
        if known is not None and known.__qualname__ != cls.__qualname__:
            raise TypeError(f"probe kind {cls.kind!r} already names {known.__qualname__}")
        PROBE_KINDS[cls.kind] = cls

    async def run(self, ctx: ProbeContext) -> Outcome:
        raise NotImplementedError

    def timeout_outcome(self) -> Outcome:
        # The plugins' socket timeout state defaults to CRITICAL (check_tcp -> -t).
        return Outcome(State.CRITICAL, f"CRITICAL - Socket timeout after {self.timeout:g} seconds")

    async def check(self, ctx: ProbeContext | None = None) -> Result:
        ctx = ctx or ProbeContext.current()
        started = utcnow()
        t0 = time.perf_counter()
        try:
            async with asyncio.timeout(self.timeout):
                outcome = await self.run(ctx)
        except TimeoutError:
            outcome = self.timeout_outcome()
        except ProbeError as exc:
            outcome = Outcome(exc.state, exc.summary)
        except ConnectionRefusedError:
            outcome = Outcome(State.CRITICAL, f"CRITICAL - Connection refused ({self.host})")
        except socket.gaierror as exc:
            # The plugins exit UNKNOWN when the host name is invalid.
            outcome = Outcome(
                State.UNKNOWN, f"UNKNOWN - Invalid hostname/address {self.host}: {exc.strerror}"
            )
        except ssl.SSLError as exc:
            outcome = Outcome(
                State.CRITICAL, f"CRITICAL - TLS handshake failed: {_tls_reason(exc)} ({self.host})"
            )
        except (EOFError, asyncio.IncompleteReadError, ConnectionResetError, BrokenPipeError):
            outcome = Outcome(State.CRITICAL, f"CRITICAL - Connection closed by {self.host}")
        except OSError as exc:
            reason = exc.strerror or "network error"
            outcome = Outcome(State.CRITICAL, f"CRITICAL - {reason} ({self.host})")
        except RangeError as exc:
            outcome = Outcome(State.UNKNOWN, f"UNKNOWN - {exc}")
        except Exception:
            # A bug or a reply no parser expected: the verdict stays readable, the
            # details go to the log.
            logger.exception("probe %s on %s failed", self.kind, self.host)
            outcome = Outcome(
                State.UNKNOWN, f"UNKNOWN - Unexpected reply from {self.host}, see the probe log"
            )
        return Result(
            outcome.state,
            outcome.summary,
            outcome.perfdata,
            time.perf_counter() - t0,
            started,
        )


PROBE_KINDS: dict[str, type[Probe]] = {}


def _tls_reason(exc: ssl.SSLError) -> str:
    # "WRONG_VERSION_NUMBER" reads better as "wrong version number".
    return (exc.reason or "protocol error").replace("_", " ").lower()


def time_perf(label: str, seconds: float, warn: str | None, crit: str | None) -> PerfData:
    return PerfData(label, round(seconds, 6), "s", warn, crit, 0)
