"""The what-if simulator: replay a scenario of events through the contract rules.

`load_scenario(text, source)` validates a YAML scenario; `run(scenario)` replays it on a
controlled clock and returns the JSON document. See docs/simulator.md.
"""

from clausier.simulate.engine import run
from clausier.simulate.errors import ScenarioError
from clausier.simulate.loader import load_scenario

__all__ = ["ScenarioError", "load_scenario", "run", "simulate"]


def simulate(text: str, source: str = "<scenario>") -> dict[str, object]:
    """Load and run a scenario in one call (no database: see the management command)."""
    return dict(run(load_scenario(text, source)))
