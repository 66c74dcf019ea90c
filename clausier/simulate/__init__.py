"""The what-if simulator: replay a scenario of events through the contract rules.

`load_scenario(text, source)` validates a YAML scenario; `engine.run(scenario)` replays
it on a controlled clock and returns the JSON document. See docs/simulator.md.

This package is a Django app (it holds `clausier simulate`), so importing it must not
load models: the engine, whose books call the billing services, is imported from
`clausier.simulate.engine` where it is used.
"""

from clausier.simulate.errors import ScenarioError
from clausier.simulate.loader import load_scenario

__all__ = ["ScenarioError", "load_scenario"]
