"""When an unpaid invoice's next reminder falls due: a pure function of its due date.

Reminders go out 1, 8 and 15 days after the due date, counted in the provider's calendar
(Europe/Paris): the level of day N falls due at local midnight starting that day. The
instant is stored on the invoice (`Invoice.next_reminder_at`) so that the reminder job
reads only the due rows, as healthchecks' `sendalerts` reads `alert_after`.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from clausier.core import calendar

REMINDER_DAYS = (1, 8, 15)


def local_day(at: datetime) -> date:
    return calendar.local_day(at, calendar.DEFAULT_CONTRACT_ZONE)


def level_due_at(due_on: date, level: int) -> datetime:
    return calendar.local_midnight(due_on + timedelta(days=level), calendar.DEFAULT_CONTRACT_ZONE)


def first_reminder_at(due_on: date) -> datetime:
    return level_due_at(due_on, REMINDER_DAYS[0])


def reached_level(due_on: date, today: date) -> int | None:
    """The highest level reached on `today` (the one to send), or None before the first."""
    days_late = (today - due_on).days
    reached = [level for level in REMINDER_DAYS if days_late >= level]
    return reached[-1] if reached else None


def next_reminder_after(due_on: date, today: date) -> datetime | None:
    """When the level after the one reached on `today` falls due; None when none is left."""
    days_late = (today - due_on).days
    later = [level for level in REMINDER_DAYS if level > days_late]
    return level_due_at(due_on, later[0]) if later else None
