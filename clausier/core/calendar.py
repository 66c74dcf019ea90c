"""Calendar-date arithmetic for contract periods: months, quarters, contract years.

Contracts count notices and periods in calendar months ("trois mois avant", "24 mois
d'inactivité", "one month before"). A month later is the same day number in the target
month, clamped to that month's last day when it has fewer days (31 January + 1 month =
28 or 29 February): the reading of Code de procédure civile art. 641 al. 2 for délais in months.

The contract's local day: a contract counts in calendar days of its zone (the pack's
calendar; Europe/Paris for every pack shipped), not in UTC days nor in the zone the web
server displays in. `local_day` and `local_midnight` are the one place an instant becomes
such a day and back; the zone is passed in (terms.zone.contract_zone picks it), since
core imports nothing of the other apps.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

# The zone of every contract pack shipped, and of a pack without a calendar.
DEFAULT_CONTRACT_ZONE = ZoneInfo("Europe/Paris")


def local_day(moment: datetime, zone: tzinfo) -> date:
    """The calendar day `moment` falls on in `zone`: 31 March 23:30 UTC is 1 April in Paris."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"local_day needs an aware datetime, got {moment.isoformat()}")
    return moment.astimezone(zone).date()


def local_midnight(day: date, zone: ZoneInfo) -> datetime:
    """The instant (UTC) at which `day` begins in `zone`."""
    return datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)


def add_months(d: date, months: int) -> date:
    """`d` moved by `months` calendar months (negative goes back), clamped at month end."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{d.isoformat()} + {months} months is out of range")
    last_day = _stdlib_calendar.monthrange(year, month)[1]
    return date(year, month, min(d.day, last_day))


def one_month_before(d: date) -> date:
    """The same calendar day of the previous month, clamped at month end."""
    return add_months(d, -1)


def quarter_bounds(d: date) -> tuple[date, date]:
    """The calendar quarter holding `d`: first day of its first month, last day of its third."""
    first_month = 3 * ((d.month - 1) // 3) + 1
    first = date(d.year, first_month, 1)
    last_month = first_month + 2
    return first, date(d.year, last_month, _stdlib_calendar.monthrange(d.year, last_month)[1])


def month_bounds(d: date) -> tuple[date, date]:
    """The first and last days of the calendar month holding `d`."""
    return d.replace(day=1), d.replace(day=_stdlib_calendar.monthrange(d.year, d.month)[1])


def anniversary_on_or_after(start: date, on_or_after: date, every_months: int = 12) -> date:
    """The first anniversary of `start` (every `every_months`) that falls on or after a date.

    Counting each anniversary from `start` (not from the previous anniversary) keeps
    29 February and 31st-of-month starts stable instead of drifting to the 28th.
    """
    if every_months <= 0:
        raise ValueError("every_months must be positive")
    if on_or_after <= start:
        return start
    months = (on_or_after.year - start.year) * 12 + (on_or_after.month - start.month)
    steps = max(months // every_months - 1, 0)
    while (candidate := add_months(start, steps * every_months)) < on_or_after:
        steps += 1
    return candidate


def contract_year_bounds(contract_start: date, on: date) -> tuple[date, date]:
    """The contract year holding `on`: from an anniversary to the day before the next."""
    if on < contract_start:
        raise ValueError(f"{on.isoformat()} is before the contract start {contract_start}")
    years = on.year - contract_start.year
    while years > 0 and add_months(contract_start, 12 * years) > on:
        years -= 1
    first = add_months(contract_start, 12 * years)
    return first, add_months(contract_start, 12 * (years + 1)) - timedelta(days=1)
