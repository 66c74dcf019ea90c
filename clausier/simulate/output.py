"""The simulator's JSON: results citing their clause, in a stable, documented format.

Amounts are strings with two decimals, percentages are strings as the contract writes
them ("10", "99.5", "12.15"), instants are ISO 8601 with the offset of the scenario's
time zone, contract days are ISO dates, durations are whole minutes (rounded down).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from clausier.core.clauses import ClauseRef
from clausier.core.money import format_amount

JsonValue = str | int | bool | None | list[Any] | dict[str, Any]
_MINUTE = timedelta(minutes=1)


def amount(value: Decimal) -> str:
    return format_amount(value)


def percent(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def instant(value: datetime, zone: ZoneInfo) -> str:
    return value.astimezone(zone).isoformat()


def day(value: date) -> str:
    return value.isoformat()


def month(value: date) -> str:
    return value.strftime("%Y-%m")


def minutes(value: timedelta) -> int:
    return value // _MINUTE


@dataclass(frozen=True)
class Result:
    at: datetime  # the simulated instant it was produced at (UTC)
    order: int  # production order, breaking ties between equal instants
    kind: str
    ref: str
    clause: ClauseRef
    fields: Mapping[str, JsonValue]

    def as_json(self, zone: ZoneInfo) -> dict[str, JsonValue]:
        return {
            "at": instant(self.at, zone),
            "kind": self.kind,
            "ref": self.ref,
            "clause": self.clause.short,
            **self.fields,
        }


def document(
    service_line: str, terms: str, zone: ZoneInfo, results: list[Result]
) -> dict[str, JsonValue]:
    ordered = sorted(results, key=lambda result: (result.at, result.order))
    return {
        "service_line": service_line,
        "terms": terms,
        "timezone": zone.key,
        "results": [result.as_json(zone) for result in ordered],
    }


def dumps(doc: Mapping[str, JsonValue]) -> str:
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
