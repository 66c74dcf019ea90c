"""Run thousands of probes concurrently, politely and within deadlines.

Two limits: a global one (sockets, file descriptors, memory) and one per host, so that a
large batch never hammers a single client server. Once admitted, each probe runs under a
deadline (its timeout plus slack); the wait for a slot can be bounded separately.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass

from clausier.probes.base import Probe, ProbeContext
from clausier.probes.result import Result, State, utcnow


@dataclass(frozen=True, slots=True)
class RunnerLimits:
    concurrency: int = 1000
    per_host: int = 50
    # Slack added to a probe's own timeout before the runner cuts it: the probe's
    # timeout produces the plugin-like verdict; the deadline is the safety net.
    deadline_slack: float = 1.0
    # How long a probe may wait for a free slot (None: as long as it takes). A
    # scheduler sets it to the check interval so a congested round cannot pile up.
    queue_timeout: float | None = None


class Runner:
    """Executes probes with global and per-host limits. One instance per event loop."""

    def __init__(self, limits: RunnerLimits | None = None, ctx: ProbeContext | None = None):
        self.limits = limits or RunnerLimits()
        self._ctx = ctx
        self._global = asyncio.Semaphore(self.limits.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._waiting: dict[str, int] = {}

    @property
    def ctx(self) -> ProbeContext:
        if self._ctx is None:
            self._ctx = ProbeContext.current()
        return self._ctx

    def _host_slot(self, host: str) -> asyncio.Semaphore:
        slot = self._hosts.get(host)
        if slot is None:
            slot = self._hosts[host] = asyncio.Semaphore(self.limits.per_host)
        return slot

    async def run_one(self, probe: Probe) -> Result:
        started = utcnow()
        t0 = time.perf_counter()
        host_slot = self._host_slot(probe.host)
        self._waiting[probe.host] = self._waiting.get(probe.host, 0) + 1
        try:
            try:
                async with asyncio.timeout(self.limits.queue_timeout):
                    await host_slot.acquire()
                    try:
                        await self._global.acquire()
                    except BaseException:
                        host_slot.release()
                        raise
            except TimeoutError:
                # Never started: nothing is known about the target.
                return Result(
                    State.UNKNOWN,
                    f"UNKNOWN - not started: no free slot within {self.limits.queue_timeout:g} s",
                    duration=time.perf_counter() - t0,
                    timestamp=started,
                )
            try:
                return await self._run_admitted(probe)
            finally:
                self._global.release()
                host_slot.release()
        finally:
            self._release_host(probe.host)

    async def _run_admitted(self, probe: Probe) -> Result:
        started = utcnow()
        t0 = time.perf_counter()
        deadline = probe.timeout + self.limits.deadline_slack
        try:
            async with asyncio.timeout(deadline):
                return await probe.check(self.ctx)
        except TimeoutError:
            # The probe ignored its own timeout (a blocking library, a stuck TLS
            # handshake): the runner's cut is CRITICAL, like the plugins' alarm.
            return Result(
                State.CRITICAL,
                f"CRITICAL - Deadline of {deadline:g} s exceeded",
                duration=time.perf_counter() - t0,
                timestamp=started,
            )

    def _release_host(self, host: str) -> None:
        # Forget idle hosts so a long-lived runner does not keep one semaphore per host
        # ever probed.
        left = self._waiting[host] - 1
        if left:
            self._waiting[host] = left
        else:
            del self._waiting[host]
            self._hosts.pop(host, None)

    async def run(self, probes: Sequence[Probe]) -> list[Result]:
        """All results, in the order of `probes`. Cancelling this cancels every probe."""
        async with asyncio.TaskGroup() as group:
            tasks = [group.create_task(self.run_one(p)) for p in probes]
        return [t.result() for t in tasks]

    async def stream(self, probes: Iterable[Probe]) -> AsyncIterator[tuple[Probe, Result]]:
        """Results as they complete; leaving the loop early cancels the rest cleanly."""
        pending: set[asyncio.Task[tuple[Probe, Result]]] = set()

        async def one(probe: Probe) -> tuple[Probe, Result]:
            return probe, await self.run_one(probe)

        try:
            pending = {asyncio.ensure_future(one(p)) for p in probes}
            while pending:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    yield task.result()
        finally:
            for task in pending:
                task.cancel()
            if pending:
                await asyncio.gather(*pending, return_exceptions=True)


async def run_probes(probes: Sequence[Probe], limits: RunnerLimits | None = None) -> list[Result]:
    return await Runner(limits).run(probes)
