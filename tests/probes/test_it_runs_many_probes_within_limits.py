"""The runner: global and per-host limits, deadlines, cancellation, DNS off the loop."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from typing import ClassVar

from clausier.probes import Outcome, Probe, ProbeContext, Result, Runner, RunnerLimits, State


@dataclass
class Gauge:
    running: int = 0
    peak: int = 0
    per_host: dict[str, int] | None = None
    per_host_peak: dict[str, int] | None = None


@dataclass(frozen=True, kw_only=True)
class SleepyProbe(Probe):
    kind: ClassVar[str] = "sleepy"
    gauge: Gauge
    seconds: float = 0.01

    async def run(self, ctx: ProbeContext) -> Outcome:
        g = self.gauge
        assert g.per_host is not None and g.per_host_peak is not None
        g.running += 1
        g.per_host[self.host] = g.per_host.get(self.host, 0) + 1
        g.peak = max(g.peak, g.running)
        g.per_host_peak[self.host] = max(g.per_host_peak.get(self.host, 0), g.per_host[self.host])
        try:
            await asyncio.sleep(self.seconds)
        finally:
            g.running -= 1
            g.per_host[self.host] -= 1
        return Outcome(State.OK, "SLEEPY OK")


def gauge() -> Gauge:
    return Gauge(per_host={}, per_host_peak={})


def test_it_respects_global_and_per_host_limits() -> None:
    g = gauge()
    probes = [SleepyProbe(host=f"10.0.0.{i % 4}", gauge=g) for i in range(400)]
    results = asyncio.run(Runner(RunnerLimits(concurrency=12, per_host=5)).run(probes))
    assert [r.state for r in results] == [State.OK] * 400
    assert g.peak <= 12
    assert max(g.per_host_peak.values()) <= 5  # type: ignore[union-attr]
    assert g.running == 0


def test_a_probe_past_its_deadline_is_critical() -> None:
    probe = SleepyProbe(host="h", gauge=gauge(), seconds=30, timeout=0.05)
    result = asyncio.run(Runner(RunnerLimits(deadline_slack=0.05)).run_one(probe))
    # The probe's own timeout fires first and gives the plugin-like verdict.
    assert result.state is State.CRITICAL
    assert "timeout" in result.summary.lower()


def test_a_probe_waiting_too_long_for_a_slot_is_not_started() -> None:
    g = gauge()
    slow = SleepyProbe(host="h", gauge=g, seconds=30, timeout=60)
    quick = SleepyProbe(host="h", gauge=g, seconds=0, timeout=0.05)

    async def run() -> State:
        runner = Runner(RunnerLimits(per_host=1, queue_timeout=0.05))
        blocker = asyncio.create_task(runner.run_one(slow))
        await asyncio.sleep(0)
        state = (await runner.run_one(quick)).state
        blocker.cancel()
        return state

    assert asyncio.run(run()) is State.UNKNOWN


def test_cancelling_a_batch_cancels_every_probe() -> None:
    g = gauge()

    async def run() -> None:
        batch = asyncio.create_task(  # noqa: RUF006 -- awaited below
            Runner().run([SleepyProbe(host="h", gauge=g, seconds=30) for _ in range(100)])
        )
        while g.running < 50:
            await asyncio.sleep(0.01)
        batch.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await batch
        assert g.running == 0
        leftovers = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        assert leftovers == []

    asyncio.run(run())


def test_leaving_a_stream_early_cancels_the_rest() -> None:
    g = gauge()

    async def run() -> int:
        probes = [SleepyProbe(host="h", gauge=g, seconds=0 if i == 0 else 30) for i in range(20)]
        stream = Runner().stream(probes)
        async for _probe, _result in stream:
            break
        await stream.aclose()
        return g.running

    assert asyncio.run(run()) == 0


def test_names_resolve_off_the_loop_and_once() -> None:
    async def run() -> list[list[str]]:
        ctx = ProbeContext.current()
        return await asyncio.gather(*(ctx.resolve("localhost", 80) for _ in range(50)))

    answers = asyncio.run(run())
    assert all(a == answers[0] for a in answers)
    assert any(address in ("127.0.0.1", "::1") for address in answers[0])


def test_an_unresolvable_name_is_unknown() -> None:
    from clausier.probes.tcp import TcpProbe

    result = asyncio.run(TcpProbe(host="no-such-host.invalid", port=80).check())
    assert result.state is State.UNKNOWN


@dataclass(frozen=True, kw_only=True)
class StubbornProbe(Probe):
    """Ignores its own timeout, as a probe stuck in a misbehaving library would."""

    kind: ClassVar[str] = "stubborn"

    async def check(self, ctx: ProbeContext | None = None) -> Result:
        await asyncio.sleep(30)
        raise AssertionError("the runner should have cut this probe")


def test_the_runner_cuts_a_probe_that_ignores_its_timeout() -> None:
    probe = StubbornProbe(host="h", timeout=0.05)
    result = asyncio.run(Runner(RunnerLimits(deadline_slack=0.05)).run_one(probe))
    assert result.state is State.CRITICAL
    assert "Deadline" in result.summary
