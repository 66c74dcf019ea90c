"""The simulation engine: replays a scenario's events on a controlled clock.

Each event type has a handler, `Handler(context, event)`, that calls the product's rule
functions with `context.now` (the event clock, never the system clock) and emits
results. Today the handlers only touch pure rules and in-memory state; a later issue can
swap a handler for one that calls DB-backed services, since the command already runs the
whole engine inside a transaction that is always rolled back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from clausier.simulate import (
    billing,
    coaching,
    hosting,
    interruptions,
    ledger,
    monitoring,
    sessions,
    training,
)
from clausier.simulate.context import Clock, Context, Finisher, Handler
from clausier.simulate.errors import ScenarioError
from clausier.simulate.loader import Event, Scenario, load_scenario
from clausier.simulate.output import JsonValue, document

_NO_EVENTS = datetime(2000, 1, 1, tzinfo=UTC)


def registry() -> tuple[Mapping[str, Handler], tuple[Finisher, ...]]:
    """Every event type's handler, and the end-of-scenario finishers in order."""
    handlers: dict[str, Handler] = {}
    for module in (hosting, monitoring, coaching, training, interruptions, billing, sessions):
        handlers.update(module.HANDLERS)
    for event_type, handler in list(handlers.items()):
        if event_type in ledger.STEPS:
            handlers[event_type] = _with_books(handler, ledger.after_event)
    return handlers, (
        monitoring.finish,
        hosting.finish,
        coaching.finish,
        training.finish,
        billing.finish,
        ledger.finish,
        sessions.finish,
    )


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


def simulate(text: str, source: str = "<scenario>") -> dict[str, object]:
    """Load and run a scenario in one call (no database: see the management command)."""
    return dict(run(load_scenario(text, source)))
