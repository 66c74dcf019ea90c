"""One adversarial agreement case: a fake server, the probe, the plugin, the state both
must give. The suite files list cases; `run_case` stages and judges each one."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from clausier.probes import Probe, Result, State
from tests.probes.fakes import V4, Handler, Running, serve
from tests.probes.servers import check, plugin

# What must never reach a verdict: a Python exception's class name or a traceback.
PYTHON_TEXT = re.compile(r"Traceback|\b\w+(Error|Exception)\b|\bErrno\b|object has no")


@dataclass(frozen=True)
class Case:
    name: str
    handler: Handler
    probe: Callable[[Running], Probe]
    plugin: Callable[[Running], tuple[str | int | float, ...]]
    expected: State
    host: str = V4
    tls: bool = False


def run_case(case: Case) -> tuple[Result, str]:
    with serve(case.handler, case.host, case.tls) as running:
        result = check(case.probe(running))
        state, output = plugin(*map(str, case.plugin(running)))
    assert (result.state, state) == (case.expected, case.expected), (
        f"engine: {result}\nplugin: {output}"
    )
    assert not PYTHON_TEXT.search(result.summary), result.summary
    return result, output


@dataclass(frozen=True)
class Difference:
    """A case where the plugin is wrong by its own documentation, the RFC or a later
    upstream fix (listed in docs/probes.md): each side must still give its own state,
    so that the day the plugin is fixed, this test says so."""

    case: Case
    plugin_state: State


def run_difference(difference: Difference) -> None:
    case = difference.case
    with serve(case.handler, case.host, case.tls) as running:
        result = check(case.probe(running))
        state, output = plugin(*map(str, case.plugin(running)))
    assert (result.state, state) == (case.expected, difference.plugin_state), (
        f"engine: {result}\nplugin: {output}"
    )
    assert not PYTHON_TEXT.search(result.summary), result.summary


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]
