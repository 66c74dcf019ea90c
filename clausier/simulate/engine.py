"""The simulation engine: replays a scenario's events on a controlled clock.

Each event type has a handler, `Handler(context, event)`, that calls the product's rule
functions with `context.now` (the event clock, never the system clock) and emits
results. Today the handlers only touch pure rules and in-memory state; a later issue can
swap a handler for one that calls DB-backed services, since the command already runs the
whole engine inside a transaction that is always rolled back.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from clausier.core.clauses import ClauseRef
from clausier.simulate.errors import ScenarioError
from clausier.simulate.loader import Event, Scenario
from clausier.simulate.output import JsonValue, Result, document
from clausier.simulate.state import BillingState, CoachingState, HostingState
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


_NO_EVENTS = datetime(2000, 1, 1, tzinfo=UTC)

Handler = Callable[[Context, Event], None]
Finisher = Callable[[Context], None]


def registry() -> tuple[Mapping[str, Handler], tuple[Finisher, ...]]:
    """Every event type's handler, and the end-of-scenario finishers in order."""
    # Imported here: the handler modules import Context from this one.
    from clausier.simulate import billing, coaching, hosting, ledger

    handlers: dict[str, Handler] = {}
    for module in (hosting, coaching, billing):
        handlers.update(module.HANDLERS)
    for event_type, handler in list(handlers.items()):
        if event_type in ledger.STEPS:
            handlers[event_type] = _with_books(handler, ledger.after_event)
    return handlers, (hosting.finish, coaching.finish, billing.finish, ledger.finish)


def _with_books(rule: Handler, books: Handler) -> Handler:
    """The pure rule's results first, then the invoices the billing services issue."""

    def handle(context: Context, event: Event) -> None:
        rule(context, event)
        books(context, event)

    return handle


def run(scenario: Scenario) -> dict[str, JsonValue]:
    """Replay every event in order, then settle what is still open at the end."""
    handlers, finishers = registry()
    start = scenario.events[0].at if scenario.events else scenario.until
    # A scenario without events or `until` never reads its clock: any instant will do.
    context = Context(scenario, Clock(start or _NO_EVENTS))
    for event in scenario.events:
        context.clock.advance_to(event.at)
        handler = handlers.get(event.type)
        if handler is None:  # pragma: no cover - the loader knows every type
            raise ScenarioError(scenario.source, event.line, "type", "no handler")
        handler(context, event)
    if scenario.until is not None:
        context.clock.advance_to(scenario.until)
    for finish in finishers:
        finish(context)
    return document(scenario.service_line, scenario.pack.version, scenario.zone, context.results)
