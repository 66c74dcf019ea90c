"""SNMP v2c and v3 access with pysnmp 7, and the generic check_snmp-like probe.

One SnmpEngine per event loop (ProbeContext.snmp_engine): an engine owns the UDP
dispatcher and the USM caches, and pysnmp binds it to the loop that created it.
OIDs are numeric and MIBs are not loaded: MIB resolution costs more than the request.
An agent that does not answer (down, wrong community, wrong v3 credentials) is UNKNOWN,
as check_snmp exits when its snmpget fails.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from clausier.probes.base import Probe, ProbeContext, ProbeError
from clausier.probes.ranges import Thresholds
from clausier.probes.result import Outcome, PerfData, State
from clausier.probes.snmp_v2c import SnmpErrorStatus, SnmpTimeout

SnmpValue = int | str | None


@dataclass(frozen=True, kw_only=True)
class SnmpAuth:
    """v2c community, or v3 user with SHA authentication and AES privacy."""

    version: str = "2c"
    community: str = field(default="public", repr=False)
    user: str = ""
    auth_key: str | None = field(default=None, repr=False)
    priv_key: str | None = field(default=None, repr=False)
    auth_protocol: str = "SHA"
    priv_protocol: str = "AES"

    def pysnmp_auth(self) -> Any:
        from pysnmp.hlapi.v3arch import asyncio as hl  # noqa: PLC0415 - heavy, v1/v3 only

        if self.version in ("1", "2c"):
            return hl.CommunityData(self.community, mpModel=0 if self.version == "1" else 1)
        auth = {
            "MD5": hl.usmHMACMD5AuthProtocol,
            "SHA": hl.usmHMACSHAAuthProtocol,
            "SHA256": hl.usmHMAC192SHA256AuthProtocol,
            "SHA512": hl.usmHMAC384SHA512AuthProtocol,
        }[self.auth_protocol]
        priv = {
            "DES": hl.usmDESPrivProtocol,
            "AES": hl.usmAesCfb128Protocol,
            "AES256": hl.usmAesCfb256Protocol,
        }[self.priv_protocol]
        return hl.UsmUserData(
            self.user,
            self.auth_key,
            self.priv_key,
            authProtocol=auth if self.auth_key else hl.usmNoAuthProtocol,
            privProtocol=priv if self.priv_key else hl.usmNoPrivProtocol,
        )


def _python_value(value: Any) -> SnmpValue:
    name = type(value).__name__
    if name in ("NoSuchObject", "NoSuchInstance", "EndOfMibView", "Null"):
        return None
    if name in ("OctetString", "DisplayString", "Opaque"):
        return bytes(value).decode("utf-8", "replace")
    if name in ("IpAddress", "ObjectIdentifier", "ObjectName"):
        return str(value.prettyPrint())
    return int(value)


@dataclass(frozen=True, slots=True)
class SnmpSession:
    ctx: ProbeContext
    host: str
    port: int
    auth: SnmpAuth
    timeout: float
    retries: int = 1

    async def _target(self) -> Any:
        from pysnmp.hlapi.v3arch.asyncio import (  # noqa: PLC0415 - heavy, v1/v3 only
            Udp6TransportTarget,
            UdpTransportTarget,
        )

        address = (await self.ctx.resolve(self.host, self.port))[0]
        kind = Udp6TransportTarget if ":" in address else UdpTransportTarget
        return await kind.create((address, self.port), timeout=self.timeout, retries=self.retries)

    def _fail(self, indication: Any) -> ProbeError:
        return ProbeError(State.UNKNOWN, f"SNMP UNKNOWN - {indication} ({self.host}:{self.port})")

    async def get(self, oids: Sequence[str]) -> dict[str, SnmpValue]:
        if self.auth.version == "2c":
            return await self._get_v2c(oids)
        from pysnmp.hlapi.v3arch.asyncio import (  # noqa: PLC0415 - heavy, v1/v3 only
            ContextData,
            ObjectIdentity,
            ObjectType,
            get_cmd,
        )

        indication, status, _index, binds = await get_cmd(
            self.ctx.snmp_engine,
            self.auth.pysnmp_auth(),
            await self._target(),
            ContextData(),
            *(ObjectType(ObjectIdentity(oid)) for oid in oids),
            lookupMib=False,
        )
        if indication:
            raise self._fail(indication)
        if status:
            raise ProbeError(State.UNKNOWN, f"SNMP UNKNOWN - {status.prettyPrint()}")
        return {str(oid): _python_value(value) for oid, value in binds}

    async def _get_v2c(self, oids: Sequence[str]) -> dict[str, SnmpValue]:
        address = (await self.ctx.resolve(self.host, self.port))[0]
        try:
            values = await self.ctx.snmp_v2c.get(
                address,
                self.port,
                self.auth.community,
                [o.strip(".") for o in oids],
                self.timeout,
                self.retries,
            )
        except SnmpTimeout as exc:
            raise self._fail(exc) from None
        except SnmpErrorStatus as exc:
            raise ProbeError(State.UNKNOWN, f"SNMP UNKNOWN - {exc}") from None
        return dict(values)

    async def walk(self, oid: str) -> dict[str, SnmpValue]:
        """Every value under `oid`, keyed by the index part of the OID ("1.4.127...")."""
        from pysnmp.hlapi.v3arch.asyncio import (  # noqa: PLC0415 - heavy, v1/v3 only
            ContextData,
            ObjectIdentity,
            ObjectType,
            bulk_walk_cmd,
            walk_cmd,
        )

        rows: dict[str, SnmpValue] = {}
        prefix = oid.strip(".") + "."
        auth = self.auth.pysnmp_auth()
        target = await self._target()
        request = ObjectType(ObjectIdentity(oid))
        if self.auth.version == "1":
            walker = walk_cmd(
                self.ctx.snmp_engine,
                auth,
                target,
                ContextData(),
                request,
                lookupMib=False,
                lexicographicMode=False,
            )
        else:
            walker = bulk_walk_cmd(
                self.ctx.snmp_engine,
                auth,
                target,
                ContextData(),
                0,
                25,
                request,
                lookupMib=False,
                lexicographicMode=False,
            )
        async for indication, status, _index, binds in walker:
            if indication:
                raise self._fail(indication)
            if status:
                raise ProbeError(State.UNKNOWN, f"SNMP UNKNOWN - {status.prettyPrint()}")
            for name, value in binds:
                key = str(name)
                if key.startswith(prefix):
                    rows[key[len(prefix) :]] = _python_value(value)
        return rows


@dataclass(frozen=True, kw_only=True)
class SnmpProbe(Probe):
    """Common fields of the SNMP probes."""

    kind: ClassVar[str] = "snmp"
    port: int = 161
    auth: SnmpAuth = field(default_factory=SnmpAuth)
    retries: int = 1

    def session(self, ctx: ProbeContext) -> SnmpSession:
        # Leave room inside the probe's timeout for the retries, so that a silent agent
        # ends as the UNKNOWN check_snmp gives, not as the runner's deadline.
        per_try = max(0.2, self.timeout / (self.retries + 2))
        return SnmpSession(ctx, self.host, self.port, self.auth, per_try, self.retries)


_NUMBER_START = re.compile(r"[-0-9]")
_STRTOD = re.compile(r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def number_in_string(text: str) -> float | None:
    """check_snmp's reading of a string value under thresholds: the number that starts
    at the first '-' or digit (strpbrk + strtod; "42 degrees" is 42, "v2-3" is 2), None
    when there is neither ("No valid data returned")."""
    start = _NUMBER_START.search(text)
    if start is None:
        return None
    match = _STRTOD.match(text, start.start())
    return float(match.group()) if match else 0.0


@dataclass(frozen=True, kw_only=True)
class SnmpGetProbe(SnmpProbe):
    """check_snmp -o OID -w RANGE -c RANGE for one numeric value."""

    kind: ClassVar[str] = "snmp_get"
    oid: str
    label: str = ""
    warn: str | None = None
    crit: str | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        thresholds = Thresholds.parse(self.warn, self.crit)
        value = (await self.session(ctx).get([self.oid])).get(self.oid.strip("."))
        if value is None:
            return Outcome(State.UNKNOWN, f"SNMP UNKNOWN - No such object {self.oid}")
        if isinstance(value, str):
            if thresholds.warn is None and thresholds.crit is None:
                return Outcome(State.OK, f'SNMP OK - "{value}"')
            parsed = number_in_string(value)
            if parsed is None:
                return Outcome(State.UNKNOWN, f'SNMP UNKNOWN - No valid data returned ("{value}")')
            number = parsed
        else:
            number = float(value)
        state = thresholds.state(number)
        label = self.label or self.oid
        perf = PerfData(label, number, "", thresholds.warn_text, thresholds.crit_text)
        return Outcome(state, f"SNMP {state.name} - {label} = {value}", (perf,))
