"""ICMP echo probe with icmplib, with check_ping's verdicts.

Thresholds are "RTA_ms,LOSS%" pairs as in `check_ping -w 100,20% -c 500,60%`; a value
equal to or above a threshold trips it (check_ping compares with >=). An address the
kernel cannot route to is CRITICAL, as check_ping says "Network Unreachable".
"""

from __future__ import annotations

import asyncio
import functools
import math
import os
import random
from dataclasses import dataclass
from typing import ClassVar

from clausier.probes.base import Probe, ProbeContext
from clausier.probes.result import Outcome, PerfData, State


@functools.cache
def unprivileged_icmp_allowed() -> bool:
    """Whether this process may open an ICMP datagram socket (no root needed): the kernel
    allows it to the groups in net.ipv4.ping_group_range."""
    try:
        with open("/proc/sys/net/ipv4/ping_group_range") as handle:
            low, high = (int(x) for x in handle.read().split())
    except (OSError, ValueError):
        return False
    groups = {os.getegid(), *os.getgroups()}
    return any(low <= g <= high for g in groups)


def parse_pair(spec: str) -> tuple[float, float]:
    rta, _, loss = spec.partition(",")
    return float(rta), float(loss.rstrip("%") or 100)


@dataclass(frozen=True, slots=True)
class Echoes:
    sent: int
    rtts: tuple[float, ...]  # ms, of the replies received


@dataclass(frozen=True, kw_only=True)
class PingProbe(Probe):
    kind: ClassVar[str] = "ping"
    count: int = 5
    interval: float = 0.2
    # How long each echo waits for its reply: a lost reply costs this, not the whole
    # timeout (check_icmp likewise gives up on a host well before its -t).
    reply_wait: float = 2.0
    warn: str = "100,20%"
    crit: str = "500,60%"

    async def _echoes(self, address: str) -> Echoes:
        """`count` echoes `interval` apart, each on its own socket with its own id (a raw
        socket sees every reply), waiting for their replies concurrently."""
        from icmplib import async_ping  # noqa: PLC0415 - optional library, loaded by the first check of this kind

        budget = self.timeout - (self.count - 1) * self.interval - 0.5
        wait = max(0.2, min(self.reply_wait, budget))
        base = random.randrange(1 << 16)  # noqa: S311 -- an ICMP id, not a secret
        privileged = not unprivileged_icmp_allowed()

        async def one(n: int) -> tuple[int, float | None]:
            await asyncio.sleep(n * self.interval)
            host = await async_ping(
                address,
                count=1,
                timeout=wait,
                id=(base + n) & 0xFFFF,
                privileged=privileged,
            )
            return host.packets_sent, (host.avg_rtt if host.packets_received else None)

        answers = await asyncio.gather(*(one(n) for n in range(self.count)))
        return Echoes(
            sum(sent for sent, _ in answers), tuple(rtt for _, rtt in answers if rtt is not None)
        )

    async def run(self, ctx: ProbeContext) -> Outcome:
        from icmplib.exceptions import ICMPLibError  # noqa: PLC0415 - same

        address = (await ctx.resolve(self.host))[0]
        try:
            echoes = await self._echoes(address)
        except ICMPLibError as exc:
            return Outcome(State.CRITICAL, f"PING CRITICAL - {exc} ({self.host})")
        except OSError as exc:
            return Outcome(State.CRITICAL, f"PING CRITICAL - {exc.strerror or exc} ({self.host})")
        # icmplib counts no packet sent when the kernel refuses them (unreachable
        # route), which check_ping calls CRITICAL.
        if echoes.sent == 0:
            return Outcome(State.CRITICAL, f"PING CRITICAL - Network Unreachable ({self.host})")
        received = len(echoes.rtts)
        loss = 100.0 * (self.count - received) / self.count
        rta = sum(echoes.rtts) / received if received else math.inf
        (w_rta, w_loss), (c_rta, c_loss) = parse_pair(self.warn), parse_pair(self.crit)
        if loss >= c_loss or rta >= c_rta or not received:
            state = State.CRITICAL
        elif loss >= w_loss or rta >= w_rta:
            state = State.WARNING
        else:
            state = State.OK
        # As check_ping prints them; an RTA that could not be measured is "U".
        perf = (
            PerfData(
                "rta", round(rta, 3) if received else None, "ms", f"{w_rta:f}", f"{c_rta:f}", 0
            ),
            PerfData("pl", round(loss), "%", f"{w_loss:g}", f"{c_loss:g}", 0),
        )
        summary = f"PING {state.name} - Packet loss = {loss:.0f}%"
        if received:
            summary += f", RTA = {rta:.2f} ms"
        return Outcome(state, summary, perf)
