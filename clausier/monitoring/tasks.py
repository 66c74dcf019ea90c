"""The monitoring app's periodic jobs (registered in apps.py), functions of `now`."""

from __future__ import annotations

from datetime import datetime

from clausier.monitoring.services import availability, maintenance, operations, renotify, reports


def escalate_due(now: datetime) -> int:
    return operations.escalate_due(now)


def end_downtimes(now: datetime) -> int:
    return operations.end_downtimes(now)


def prune_results(now: datetime) -> int:
    return operations.prune_results(now)


def watchdog(now: datetime) -> int:
    return operations.watchdog(now)


def close_previous_months(now: datetime) -> int:
    return availability.close_previous_months(now)


def renotify_due(now: datetime) -> int:
    return renotify.renotify_due(now)


def collect_reports(now: datetime) -> int:
    return reports.collect_due(now)


def remind_missing_windows(now: datetime) -> int:
    return maintenance.remind_missing_windows(now)
