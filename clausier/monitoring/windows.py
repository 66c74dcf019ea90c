"""The client's two weekly maintenance windows (hosting contract art. 6), pure.

Art. 6: "Le client s'engage à fournir à KALANDA deux (2) plages horaires de deux (2)
heures distinctes, par serveur et par semaine, pendant lesquelles les interventions de
maintenance nécessitant un redémarrage de services seront effectuées."

A window is a weekday and a wall-clock start in the contract's zone (the provider's
calendar zone, `terms.zone.contract_zone`). It lasts two *elapsed* hours from that start:
on the night clocks go forward, a window declared at 01:00 in Europe/Paris ends at 04:00
local (still two hours of work); a start that does not exist that night (02:30) is taken
as the instant it would have been before the change (03:30 local). On the night clocks
go back, an ambiguous start is its first occurrence (fold 0).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

CLAUSE = "Art. 6"
WINDOW_LENGTH = timedelta(hours=2)
WINDOWS_PER_WEEK = 2
WEEK_MINUTES = 7 * 24 * 60


class WindowError(ValueError):
    """A declaration that does not meet art. 6; `code` is the API's error code."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True, order=True)
class WeeklyWindow:
    weekday: int  # 0 = Monday, as datetime.weekday()
    start: time

    def minute_of_week(self) -> int:
        return self.weekday * 24 * 60 + self.start.hour * 60 + self.start.minute


def validate(windows: Iterable[WeeklyWindow]) -> list[WeeklyWindow]:
    """Exactly two windows of two hours, distinct: they may not overlap, even across the
    week's end (Sunday 23:00 and Monday 00:30 overlap). Returns them sorted."""
    items = sorted(windows)
    if len(items) != WINDOWS_PER_WEEK:
        raise WindowError(
            f"{CLAUSE}: exactly two weekly maintenance windows are required ({len(items)} given).",
            "two_windows_required",
        )
    for w in items:
        if not 0 <= w.weekday <= 6:
            raise WindowError(f"{CLAUSE}: weekday must be 0 (Monday) to 6.", "invalid_weekday")
        if w.start.second or w.start.microsecond or w.start.tzinfo is not None:
            raise WindowError(
                f"{CLAUSE}: a window starts on a whole minute, in local time.", "invalid_start"
            )
    a, b = (w.minute_of_week() for w in items)
    gap = (b - a) % WEEK_MINUTES
    length = int(WINDOW_LENGTH.total_seconds() // 60)
    if gap < length or WEEK_MINUTES - gap < length:
        raise WindowError(
            f"{CLAUSE}: the two windows must be distinct (they overlap).", "windows_overlap"
        )
    return items


def _local_start(day_local: datetime, start: time, zone: ZoneInfo) -> datetime:
    """The instant of `start` on that local day, normalised through UTC (a time in the
    spring-forward gap becomes the instant it would have been; fold 0 when ambiguous)."""
    naive = datetime.combine(day_local.date(), start)
    return naive.replace(tzinfo=zone).astimezone(UTC)


def occurrences(
    windows: Iterable[WeeklyWindow], zone: ZoneInfo, after: datetime, until: datetime
) -> Iterator[tuple[datetime, datetime]]:
    """The (start, end) instants (UTC) of the windows' occurrences overlapping
    [after, until), in order."""
    items = list(windows)
    day = after.astimezone(zone) - timedelta(days=1)
    found = []
    while day.astimezone(UTC) < until + timedelta(days=1):
        for w in items:
            if day.weekday() == w.weekday:
                start = _local_start(day, w.start, zone)
                end = start + WINDOW_LENGTH
                if end > after and start < until:
                    found.append((start, end))
        day = day + timedelta(days=1)
    yield from sorted(found)


def covering(
    windows: Iterable[WeeklyWindow], zone: ZoneInfo, starts_at: datetime, ends_at: datetime
) -> tuple[datetime, datetime] | None:
    """The occurrence that contains [starts_at, ends_at] entirely, if any."""
    for start, end in occurrences(windows, zone, starts_at, ends_at):
        if start <= starts_at and ends_at <= end:
            return start, end
    return None


def next_occurrence(
    windows: Iterable[WeeklyWindow], zone: ZoneInfo, now: datetime
) -> tuple[datetime, datetime] | None:
    """The next occurrence starting at or after `now`."""
    for start, end in occurrences(windows, zone, now, now + timedelta(days=8)):
        if start >= now:
            return start, end
    return None


def check_maintenance(
    windows: Iterable[WeeklyWindow],
    zone: ZoneInfo,
    starts_at: datetime,
    ends_at: datetime,
    now: datetime,
) -> tuple[datetime, datetime]:
    """Whether a maintenance needing a service restart may be scheduled (art. 6): in the
    future (the client is told before it), the two windows declared, and entirely inside
    one occurrence of a window. Returns that occurrence; raises `WindowError` with the
    API's code. `services.maintenance.schedule_maintenance` and the simulator both ask
    this function."""
    if starts_at <= now:
        raise WindowError(
            f"{CLAUSE}: a maintenance is announced to the client before it starts.",
            "notice_too_late",
        )
    items = list(windows)
    if len(items) != WINDOWS_PER_WEEK:
        raise WindowError(
            f"{CLAUSE}: the client has not declared its two maintenance windows yet.",
            "windows_missing",
        )
    if ends_at <= starts_at:
        raise WindowError("A downtime's end must follow its start.", "invalid_period")
    found = covering(items, zone, starts_at, ends_at)
    if found is None:
        raise WindowError(
            f"{CLAUSE}: a maintenance needing a service restart takes place inside one of "
            "the two windows the client declared.",
            "outside_window",
        )
    return found


# --- the reminder to a client who has not declared its windows (art. 6) -------------

# Daily during the first week after the server's creation, then weekly, until declared.
REMINDER_DAILY_UNTIL_DAY = 7
REMINDER_WEEKLY_EVERY_DAYS = 7


def reminder_due_at(created_at: datetime, zone: ZoneInfo, day: int) -> datetime:
    """When reminder `day` falls: `day` calendar days after the server's creation in the
    contract's zone, at the creation's wall-clock time (so a DST change moves it by no
    local hour; a wall time missing that night is the instant it would have been)."""
    local = created_at.astimezone(zone)
    return _local_start(local + timedelta(days=day), local.time().replace(fold=0), zone)


def reminder_day(created_at: datetime, zone: ZoneInfo, now: datetime) -> int | None:
    """The latest reminder due at `now`, as its day number after the server's creation:
    1 to 7 (daily, the first week), then 14, 21, 28... (weekly); None before the first.
    A job that missed some days gets only the latest (never a burst of old ones)."""
    days = (now.astimezone(zone).date() - created_at.astimezone(zone).date()).days
    if days >= 1 and reminder_due_at(created_at, zone, days) > now:
        days -= 1
    if days < 1:
        return None
    if days <= REMINDER_DAILY_UNTIL_DAY:
        return days
    return days - days % REMINDER_WEEKLY_EVERY_DAYS
