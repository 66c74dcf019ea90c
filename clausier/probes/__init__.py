"""Clausier's probe engine: asyncio checks with the monitoring-plugins' verdicts.

Pure asyncio; nothing here imports Django (tests/probes/test_it_imports_no_django.py).
"""

from clausier.probes.base import DEFAULT_TIMEOUT, PROBE_KINDS, Probe, ProbeContext, ProbeError
from clausier.probes.ranges import Range, RangeError, Thresholds
from clausier.probes.result import Outcome, PerfData, Result, State, worst
from clausier.probes.runner import Runner, RunnerLimits, run_probes

__all__ = [
    "DEFAULT_TIMEOUT",
    "PROBE_KINDS",
    "Outcome",
    "PerfData",
    "Probe",
    "ProbeContext",
    "ProbeError",
    "Range",
    "RangeError",
    "Result",
    "Runner",
    "RunnerLimits",
    "State",
    "Thresholds",
    "run_probes",
    "worst",
]
