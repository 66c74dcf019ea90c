"""Scalar values of a scenario, parsed from the YAML text as written.

The loader never lets YAML build numbers: `12.50` and `"12.50"` both reach these parsers
as the text "12.50", so amounts become exact Decimals and no float is ever created.
Each parser raises `ValueProblem` with a message; the loader adds the line and field.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from clausier.simulate.limits import FIRST_YEAR, LAST_YEAR, MAX_NUMBER

_AMOUNT = re.compile(r"^\d+(\.\d+)?$")
_PERCENT = re.compile(r"^-?\d+(\.\d+)?$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")
_PERCENT_DECIMALS = 4


class ValueProblem(ValueError):
    """A scalar that does not parse; the message says what was expected."""


def parse_amount(text: str) -> Decimal:
    """Euros: digits with at most two decimals ("1250", "12.50"); never a float."""
    if not _AMOUNT.match(text):
        raise ValueProblem(f"{text!r} is not an amount in euros like 1250.00")
    decimals = len(text.partition(".")[2])
    if decimals > 2:
        raise ValueProblem(
            f"{text!r} has {decimals} decimals; amounts are euros with at most 2, like 12.35"
        )
    return _bounded(Decimal(text), text)


def _bounded(value: Decimal, text: str) -> Decimal:
    if value >= MAX_NUMBER:
        raise ValueProblem(f"{text!r} is too large: amounts and numbers are below 10^12")
    return value


def parse_percent(text: str, low: Decimal, high: Decimal) -> Decimal:
    if not _PERCENT.match(text):
        raise ValueProblem(f"{text!r} is not a percentage like 99.95")
    if len(text.partition(".")[2]) > _PERCENT_DECIMALS:
        raise ValueProblem(
            f"{text!r} has more than {_PERCENT_DECIMALS} decimals; write the exact figure"
        )
    value = Decimal(text)
    if not low <= value <= high:
        raise ValueProblem(f"{text} is not between {low} and {high}")
    return value


def parse_decimal(text: str) -> Decimal:
    """A positive index value like 268.5 or 293.7."""
    if not _AMOUNT.match(text) or Decimal(text) <= 0:
        raise ValueProblem(f"{text!r} is not a positive number like 268.5")
    return _bounded(Decimal(text), text)


def parse_count(text: str) -> int:
    """A whole number of things (sessions, participants), 0 to 10,000."""
    if not text.isdigit() or len(text) > 5 or int(text) > 10_000:
        raise ValueProblem(f"{text!r} is not a whole number from 0 to 10000")
    return int(text)


def parse_bool(text: str) -> bool:
    lowered = text.lower()
    if lowered not in ("true", "false"):
        raise ValueProblem(f"{text!r} is not true or false")
    return lowered == "true"


def parse_id(text: str) -> str:
    if not _ID.match(text):
        raise ValueProblem(
            f"{text!r} is not an id (letters, digits and _ . : -, at most 64 characters)"
        )
    return text


def parse_date(text: str) -> date:
    if not _DATE.match(text):
        raise ValueProblem(f"{text!r} is not a date like 2026-03-31")
    try:
        value = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueProblem(f"{text!r} is not a valid date: {exc}") from None
    return _in_years(value.year, text, value)


def _in_years(year: int, text: str, value: date) -> date:
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValueProblem(f"{text!r} is not between the years {FIRST_YEAR} and {LAST_YEAR}")
    return value


def parse_month(text: str) -> date:
    """A calendar month "2026-03", returned as its first day."""
    match = _MONTH.match(text)
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueProblem(f"{text!r} is not a month like 2026-03")
    year = int(match.group(1))
    return _in_years(year, text, date(max(year, 1), int(match.group(2)), 1))


def parse_instant(text: str, zone: ZoneInfo) -> datetime:
    """An ISO date-time, local to `zone` unless it carries an offset; returned in UTC.

    A local time that does not exist (the spring-forward hour) or exists twice (the
    autumn hour) is refused: the scenario must say which instant it means.
    """
    if _DATE.match(text):
        raise ValueProblem(f"{text!r} is a date; a date and time like {text}T09:00 is needed")
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueProblem(f"{text!r} is not an ISO date-time like 2026-03-02T09:00") from None
    _in_years(parsed.year, text, parsed)
    if parsed.tzinfo is not None:
        return parsed.astimezone(UTC)
    first = parsed.replace(tzinfo=zone, fold=0)
    second = parsed.replace(tzinfo=zone, fold=1)
    if first.utcoffset() != second.utcoffset():
        back = first.astimezone(UTC).astimezone(zone).replace(tzinfo=None)
        if back != parsed:
            raise ValueProblem(
                f"{text} does not exist in {zone.key} (clocks go forward); "
                "give an offset or another time"
            )
        raise ValueProblem(
            f"{text} happens twice in {zone.key} (clocks go back); "
            "give an offset like +02:00 or +01:00"
        )
    return first.astimezone(UTC)


def parse_day(text: str, zone: ZoneInfo) -> date:
    """A calendar day: a date, or the local day of a date-time."""
    if _DATE.match(text):
        return parse_date(text)
    return parse_instant(text, zone).astimezone(zone).date()
