"""What a simulation handler gets: the scenario, its clock, the state, the results.

Handlers (`hosting`, `coaching`, `billing`, `ledger`) import this module, and the engine
imports the handlers: nothing here imports either, so the two never import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from clausier.core.clauses import ClauseRef
from clausier.simulate.loader import Event, Scenario
from clausier.simulate.output import JsonValue, Result
from clausier.simulate.state import BillingState, CoachingState, HostingState, MonitoringState
from clausier.terms.packs import Pack


class Clock:
    """The simulated time. It only moves forward, to each event's instant."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def advance_to(self, at: datetime) -> None:
        if at < self._now:
            raise ValueError("the simulated clock never goes back")
        self._now = at


@dataclass
class Context:
    scenario: Scenario
    clock: Clock
    results: list[Result] = field(default_factory=list)
    hosting: HostingState = field(default_factory=HostingState)
    coaching: CoachingState = field(default_factory=CoachingState)
    billing: BillingState = field(default_factory=BillingState)
    monitoring: MonitoringState = field(default_factory=MonitoringState)

    @property
    def now(self) -> datetime:
        return self.clock.now()

    @property
    def pack(self) -> Pack:
        return self.scenario.pack

    def emit(
        self,
        kind: str,
        ref: str,
        clause: ClauseRef,
        fields: Mapping[str, JsonValue],
        at: datetime | None = None,
    ) -> None:
        order = len(self.results)
        self.results.append(Result(at or self.now, order, kind, ref, clause, dict(fields)))


Handler = Callable[[Context, Event], None]
Finisher = Callable[[Context], None]
