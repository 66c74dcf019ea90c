"""The resource checks of art. 3.2 over SNMP: load, CPU, memory, swap, disk, traffic,
established web connections and mail queue.

Each follows the local plugin that checks the same thing on the server itself
(check_load, check_disk, check_swap, check_mailq), so thresholds written for those
mean the same here; the differences that remain are listed in docs/probes.md.
"""

from __future__ import annotations

import asyncio
import math
import re
import time
from dataclasses import dataclass
from typing import ClassVar

from clausier.probes.base import ProbeContext, ProbeError
from clausier.probes.ranges import RangeError, Thresholds
from clausier.probes.result import Outcome, PerfData, State, worst
from clausier.probes.snmp import SnmpProbe, SnmpValue

LA_LOAD_INT = "1.3.6.1.4.1.2021.10.1.5"  # UCD-SNMP-MIB laLoadInt.{1,2,3}: load x 100
HR_PROCESSOR_LOAD = "1.3.6.1.2.1.25.3.3.1.2"
HR_STORAGE = "1.3.6.1.2.1.25.2.3.1"  # .3 descr, .4 allocation units, .5 size, .6 used
IF_DESCR = "1.3.6.1.2.1.2.2.1.2"
IF_NAME = "1.3.6.1.2.1.31.1.1.1.1"
IF_HC_IN = "1.3.6.1.2.1.31.1.1.1.6"
IF_HC_OUT = "1.3.6.1.2.1.31.1.1.1.10"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
TCP_CONNECTION_STATE = "1.3.6.1.2.1.6.19.1.7"  # TCP-MIB tcpConnectionState
TCP_ESTABLISHED = 5
NS_EXTEND_OUTPUT_FULL = "1.3.6.1.4.1.8072.1.3.2.3.1.2"


def _int(value: SnmpValue, what: str) -> int:
    if not isinstance(value, int):
        raise ProbeError(State.UNKNOWN, f"SNMP UNKNOWN - {what} missing or not a number")
    return value


@dataclass(frozen=True, kw_only=True)
class LoadProbe(SnmpProbe):
    """check_load over SNMP: `warn` and `crit` are "w1,w5,w15"; alert when above."""

    kind: ClassVar[str] = "snmp_load"
    warn: str = "15,10,5"
    crit: str = "30,25,20"

    async def run(self, ctx: ProbeContext) -> Outcome:
        oids = [f"{LA_LOAD_INT}.{i}" for i in (1, 2, 3)]
        values = await self.session(ctx).get(oids)
        loads = [_int(values.get(oid), "laLoadInt") / 100 for oid in oids]
        warn, crit = _triple(self.warn), _triple(self.crit)
        state = State.OK
        for load, w, c in zip(loads, warn, crit, strict=True):
            if load > c:
                state = worst(state, State.CRITICAL)
            elif load > w:
                state = worst(state, State.WARNING)
        labels = ("load1", "load5", "load15")
        perf = tuple(
            PerfData(lab, load, "", f"{w:g}", f"{c:g}", 0)
            for lab, load, w, c in zip(labels, loads, warn, crit, strict=True)
        )
        text = ", ".join(f"{load:.2f}" for load in loads)
        return Outcome(state, f"LOAD {state.name} - load average: {text}", perf)


def _triple(spec: str) -> tuple[float, float, float]:
    """check_load's -w/-c: one to three numbers; missing ones repeat the last given
    ("5,4" is 5,4,4), as check_load's get_threshold pads them."""
    try:
        parts = [float(p) for p in spec.split(",")]
    except ValueError:
        raise RangeError(f"load thresholds must be numbers: {spec!r}") from None
    if not 1 <= len(parts) <= 3:
        raise RangeError(f"load thresholds need 1 to 3 values: {spec!r}")
    parts += [parts[-1]] * (3 - len(parts))
    return parts[0], parts[1], parts[2]


@dataclass(frozen=True, kw_only=True)
class CpuProbe(SnmpProbe):
    """Average hrProcessorLoad (percent busy over the last minute) against ranges."""

    kind: ClassVar[str] = "snmp_cpu"
    warn: str | None = "80"
    crit: str | None = "95"

    async def run(self, ctx: ProbeContext) -> Outcome:
        rows = await self.session(ctx).walk(HR_PROCESSOR_LOAD)
        loads = [v for v in rows.values() if isinstance(v, int)]
        if not loads:
            return Outcome(State.UNKNOWN, "CPU UNKNOWN - no hrProcessorLoad rows")
        average = sum(loads) / len(loads)
        thresholds = Thresholds.parse(self.warn, self.crit)
        state = thresholds.state(average)
        perf = PerfData("cpu", round(average, 2), "%", self.warn, self.crit, 0, 100)
        return Outcome(state, f"CPU {state.name} - {average:.1f}% on {len(loads)} CPU(s)", (perf,))


MIB = 1 << 20
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(%|[kKmMgGtT]i?[bB]?|[bB])?\s*$")
_UNIT = {"": 1, "b": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


@dataclass(frozen=True, slots=True)
class FreeLimit:
    """A threshold on free space: `20%` or an amount (`500MB`, `2G`); the state trips
    when less than this is free, as in check_disk and check_swap."""

    percent: float | None = None
    amount: int | None = None

    @classmethod
    def parse(cls, spec: str, default_unit: str) -> FreeLimit:
        match = _SIZE.match(spec)
        if not match:
            raise ValueError(f"invalid free-space threshold {spec!r}")
        number, unit = float(match.group(1)), (match.group(2) or default_unit)
        if unit == "%":
            return cls(percent=number)
        return cls(amount=int(number * _UNIT[unit[0].lower() if unit else ""]))

    def crossed(self, free: int, total: int) -> bool:
        if self.percent is not None:
            return 100.0 * free / total < self.percent
        assert self.amount is not None
        return free < self.amount

    def disk_crossed(self, free: int, total: int) -> bool:
        """check_disk's reading: used percent rounded up (free 20.9 % counts as 20 %),
        free MiB rounded down, and the limit itself already alerts (free <= limit)."""
        if self.percent is not None:
            free_percent = 100 - math.ceil(100 * (total - free) / total)
            return free_percent <= self.percent
        assert self.amount is not None
        return free // MIB <= self.amount / MIB

    def used_limit(self, total: int) -> float:
        """The same limit as used space, for perfdata (check_disk prints it so)."""
        if self.percent is not None:
            return total * (100 - self.percent) / 100
        assert self.amount is not None
        return max(0, total - self.amount)


@dataclass(frozen=True, kw_only=True)
class StorageProbe(SnmpProbe):
    """One row of hrStorageTable: a mount point ("/"), "Swap space" or
    "Physical memory"; thresholds on free space. Bare numbers are MB for disks and
    memory (check_disk) and bytes for swap (check_swap)."""

    kind: ClassVar[str] = "snmp_storage"
    storage: str = "/"
    warn_free: str = "20%"
    crit_free: str = "10%"
    # check_swap exits CRITICAL when there is no swap at all (its -n default).
    empty_state: State = State.CRITICAL

    @property
    def label(self) -> str:
        return {"Swap space": "swap", "Physical memory": "memory"}.get(self.storage, self.storage)

    async def run(self, ctx: ProbeContext) -> Outcome:
        rows = await self.session(ctx).walk(HR_STORAGE)
        index = next(
            (k[2:] for k, v in rows.items() if k.startswith("3.") and v == self.storage), None
        )
        if index is None:
            return Outcome(State.UNKNOWN, f"STORAGE UNKNOWN - no hrStorage row {self.storage!r}")
        units = _int(rows.get(f"4.{index}"), "hrStorageAllocationUnits")
        total = _int(rows.get(f"5.{index}"), "hrStorageSize") * units
        used = _int(rows.get(f"6.{index}"), "hrStorageUsed") * units
        name = self.label.upper() if self.label in ("swap", "memory") else "DISK"
        if total == 0:
            return Outcome(
                self.empty_state,
                f"{name} {self.empty_state.name} - {self.storage} is of zero size",
            )
        default_unit = "b" if self.label == "swap" else "MB"
        warn = FreeLimit.parse(self.warn_free, default_unit)
        crit = FreeLimit.parse(self.crit_free, default_unit)
        free = total - used
        is_disk = self.label not in ("swap", "memory")
        state = State.OK
        if crit.disk_crossed(free, total) if is_disk else crit.crossed(free, total):
            state = State.CRITICAL
        elif warn.disk_crossed(free, total) if is_disk else warn.crossed(free, total):
            state = State.WARNING
        percent = 100.0 * free / total
        mib = MIB
        perf = PerfData(
            self.label,
            round(used / mib, 1),
            "MB",
            f"{warn.used_limit(total) / mib:.1f}",
            f"{crit.used_limit(total) / mib:.1f}",
            0,
            round(total / mib, 1),
        )
        return Outcome(
            state,
            f"{name} {state.name} - {self.storage}: {free // mib} MB free of "
            f"{total // mib} MB ({percent:.0f}% free)",
            (perf,),
        )


@dataclass(frozen=True, slots=True)
class CounterSample:
    """Two 64-bit octet counters and the agent's sysUpTime (hundredths of a second)."""

    octets_in: int
    octets_out: int
    uptime: int
    taken: float  # our monotonic clock, seconds


COUNTER64 = 1 << 64


def counter_delta(previous: int, current: int, modulus: int = COUNTER64) -> int:
    """Growth of a counter between two polls, across one wrap."""
    return current - previous if current >= previous else modulus - previous + current


def traffic_rates(first: CounterSample, second: CounterSample) -> tuple[float, float] | None:
    """In and out bit/s between two samples; None when the agent restarted in between
    (sysUpTime went back), since the counters restarted from zero and a "wrap" would
    invent an absurd rate."""
    if second.uptime < first.uptime:
        return None
    elapsed = (second.uptime - first.uptime) / 100 or (second.taken - first.taken)
    if elapsed <= 0:
        return None
    bits_in = counter_delta(first.octets_in, second.octets_in) * 8 / elapsed
    bits_out = counter_delta(first.octets_out, second.octets_out) * 8 / elapsed
    return bits_in, bits_out


@dataclass(frozen=True, kw_only=True)
class TrafficProbe(SnmpProbe):
    """Interface traffic in bit/s from two polls of IF-MIB ifHCIn/OutOctets."""

    kind: ClassVar[str] = "snmp_traffic"
    interface: str = "lo"
    # net-snmp caches interface counters for a few seconds: polls closer than that
    # see no change.
    interval: float = 5.0
    warn: str | None = None  # ranges in bit/s, applied to in and out
    crit: str | None = None

    async def _sample(self, ctx: ProbeContext, index: str) -> CounterSample:
        oids = [f"{IF_HC_IN}.{index}", f"{IF_HC_OUT}.{index}", SYS_UPTIME]
        values = await self.session(ctx).get(oids)
        return CounterSample(
            _int(values.get(oids[0]), "ifHCInOctets"),
            _int(values.get(oids[1]), "ifHCOutOctets"),
            _int(values.get(oids[2]), "sysUpTime"),
            time.monotonic(),
        )

    async def run(self, ctx: ProbeContext) -> Outcome:
        names = await self.session(ctx).walk(IF_DESCR)
        index = next((k for k, v in names.items() if v == self.interface), None)
        if index is None:
            return Outcome(State.UNKNOWN, f"TRAFFIC UNKNOWN - no interface {self.interface!r}")
        first = await self._sample(ctx, index)
        await asyncio.sleep(self.interval)
        second = await self._sample(ctx, index)
        rates = traffic_rates(first, second)
        if rates is None:
            return Outcome(State.UNKNOWN, "TRAFFIC UNKNOWN - agent restarted between polls")
        thresholds = Thresholds.parse(self.warn, self.crit)
        state = worst(*(thresholds.state(r) for r in rates))
        perf = tuple(
            PerfData(lab, round(r), "", thresholds.warn_text, thresholds.crit_text, 0)
            for lab, r in zip(("in_bps", "out_bps"), rates, strict=True)
        )
        return Outcome(
            state,
            f"TRAFFIC {state.name} - {self.interface}: in {rates[0]:.0f} bit/s, "
            f"out {rates[1]:.0f} bit/s",
            perf,
        )


def local_port(index: str) -> int | None:
    """Local port from a tcpConnectionTable index: type.len.addr....port.type.len...."""
    parts = [int(p) for p in index.split(".")]
    if len(parts) < 3:
        return None
    length = parts[1]
    return parts[2 + length] if len(parts) > 2 + length else None


@dataclass(frozen=True, kw_only=True)
class WebConnectionsProbe(SnmpProbe):
    """Established TCP connections to the web ports (TCP-MIB tcpConnectionTable)."""

    kind: ClassVar[str] = "snmp_web_connections"
    ports: tuple[int, ...] = (80, 443)
    warn: str | None = None
    crit: str | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        rows = await self.session(ctx).walk(TCP_CONNECTION_STATE)
        count = sum(
            1 for k, v in rows.items() if v == TCP_ESTABLISHED and local_port(k) in self.ports
        )
        thresholds = Thresholds.parse(self.warn, self.crit)
        state = thresholds.state(count)
        perf = PerfData("connections", count, "", thresholds.warn_text, thresholds.crit_text, 0)
        ports = ",".join(map(str, self.ports))
        return Outcome(
            state, f"WEB {state.name} - {count} established connection(s) on {ports}", (perf,)
        )


_POSTFIX_TOTAL = re.compile(r"in (\d+) Requests?\.")
_EMPTY = re.compile(r"(Mail queue is empty|^\s*0\s*$)", re.MULTILINE)


def queue_length(listing: str) -> int:
    """Messages in a `mailq`/`postqueue -p`/`exim -bpc` listing."""
    match = _POSTFIX_TOTAL.search(listing)
    if match:
        return int(match.group(1))
    if _EMPTY.search(listing):
        return 0
    stripped = listing.strip()
    if stripped.isdigit():
        return int(stripped)
    raise ValueError(f"unrecognised mail queue listing: {stripped[:80]!r}")


def extend_oid(name: str) -> str:
    return f"{NS_EXTEND_OUTPUT_FULL}.{len(name)}." + ".".join(str(b) for b in name.encode())


@dataclass(frozen=True, kw_only=True)
class MailQueueProbe(SnmpProbe):
    """Mail queue length from an `extend` line in snmpd.conf running the MTA's queue
    listing; check_mailq's rule: WARNING from `warn` messages, CRITICAL from `crit`."""

    kind: ClassVar[str] = "snmp_mailq"
    extend: str = "mailq"
    warn: int = 5
    crit: int = 10

    async def run(self, ctx: ProbeContext) -> Outcome:
        oid = extend_oid(self.extend)
        listing = (await self.session(ctx).get([oid])).get(oid)
        if not isinstance(listing, str):
            return Outcome(State.UNKNOWN, f"MAILQ UNKNOWN - no extend {self.extend!r} on agent")
        count = queue_length(listing)
        state = State.OK
        if count >= self.crit:
            state = State.CRITICAL
        elif count >= self.warn:
            state = State.WARNING
        perf = PerfData("unsent", count, "", str(self.warn), str(self.crit), 0)
        return Outcome(state, f"MAILQ {state.name} - mail queue is {count}", (perf,))
