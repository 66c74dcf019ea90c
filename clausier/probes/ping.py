"""ICMP echo probe with icmplib, with check_ping's verdicts.

Thresholds are "RTA_ms,LOSS%" pairs as in `check_ping -w 100,20% -c 500,60%`; a value
equal to or above a threshold trips it (check_ping compares with >=). An address the
kernel cannot route to is CRITICAL, as check_ping says "Network Unreachable".
"""

from __future__ import annotations

import functools
import os
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


@dataclass(frozen=True, kw_only=True)
class PingProbe(Probe):
    kind: ClassVar[str] = "ping"
    count: int = 5
    interval: float = 0.2
    warn: str = "100,20%"
    crit: str = "500,60%"

    async def run(self, ctx: ProbeContext) -> Outcome:
        from icmplib import async_ping
        from icmplib.exceptions import ICMPLibError

        address = (await ctx.resolve(self.host))[0]
        # Wait for late replies no longer than what is left of the probe's time budget.
        reply_timeout = max(0.5, self.timeout - self.count * self.interval - 0.5)
        try:
            host = await async_ping(
                address,
                count=self.count,
                interval=self.interval,
                timeout=reply_timeout,
                privileged=not unprivileged_icmp_allowed(),
            )
        except ICMPLibError as exc:
            return Outcome(State.CRITICAL, f"PING CRITICAL - {exc} ({self.host})")
        except OSError as exc:
            return Outcome(State.CRITICAL, f"PING CRITICAL - {exc.strerror or exc} ({self.host})")
        # Loss over the packets we meant to send: icmplib reports 0% loss when the kernel
        # refused to send any (unreachable route), which check_ping calls CRITICAL.
        loss = 100.0 * (self.count - host.packets_received) / self.count
        if host.packets_sent == 0:
            return Outcome(State.CRITICAL, f"PING CRITICAL - Network Unreachable ({self.host})")
        rta = host.avg_rtt if host.packets_received else float("nan")
        (w_rta, w_loss), (c_rta, c_loss) = parse_pair(self.warn), parse_pair(self.crit)
        if loss >= c_loss or rta >= c_rta:
            state = State.CRITICAL
        elif loss >= w_loss or rta >= w_rta:
            state = State.WARNING
        elif loss == 100:
            state = State.CRITICAL
        else:
            state = State.OK
        perf = (
            PerfData("rta", round(host.avg_rtt, 3), "ms", f"{w_rta:g}", f"{c_rta:g}", 0),
            PerfData("pl", round(loss), "%", f"{w_loss:g}", f"{c_loss:g}", 0),
        )
        shown = f"{rta:.2f} ms" if host.packets_received else "nan"
        return Outcome(state, f"PING {state.name} - Packet loss = {loss:.0f}%, RTA = {shown}", perf)
