"""Content's rules, as plain functions of their inputs and `now`."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from clausier.core.calendar import local_day


def is_late(due_on: date, submitted_at: datetime, zone: ZoneInfo) -> bool:
    """A challenge's answer is late when handed in after its due day, in the contract's
    zone: anything during the due day itself, up to local midnight, is on time. The due
    day is the coach's, not a contract deadline (art. 6.1 only names "projet défis")."""
    return local_day(submitted_at, zone) > due_on
