"""The monitoring-plugins threshold range syntax.

`10` alerts outside 0..10, `10:` below 10, `~:10` above 10, `10:20` outside 10..20 and
`@10:20` inside 10..20 (bounds included), as in the Monitoring Plugins Development
Guidelines. Thresholds written for a plugin therefore mean the same here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from clausier.probes.result import State


class RangeError(ValueError):
    """A threshold that is not valid range syntax."""


def _parse_bound(text: str, what: str, spec: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise RangeError(f"invalid {what} {text!r} in range {spec!r}") from None
    if math.isnan(value):
        raise RangeError(f"invalid {what} {text!r} in range {spec!r}")
    return value


@dataclass(frozen=True, slots=True)
class Range:
    start: float
    end: float
    inside: bool = False  # the `@` prefix: alert when the value lies within
    text: str = ""

    @classmethod
    def parse(cls, spec: str | float | int) -> Range:
        text = str(spec).strip()
        if not text:
            raise RangeError("empty range")
        body = text
        inside = body.startswith("@")
        if inside:
            body = body[1:]
        if ":" in body:
            low, _, high = body.partition(":")
            start = -math.inf if low == "~" else _parse_bound(low or "0", "start", text)
            end = math.inf if high == "" else _parse_bound(high, "end", text)
        else:
            start, end = 0.0, _parse_bound(body, "end", text)
        if start > end:
            raise RangeError(f"start is greater than end in range {text!r}")
        return cls(start, end, inside, text)

    def alerts(self, value: float) -> bool:
        within = self.start <= value <= self.end
        return within if self.inside else not within

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Thresholds:
    warn: Range | None = None
    crit: Range | None = None

    @classmethod
    def parse(cls, warn: str | float | None = None, crit: str | float | None = None) -> Thresholds:
        return cls(
            Range.parse(warn) if warn not in (None, "") else None,
            Range.parse(crit) if crit not in (None, "") else None,
        )

    def state(self, value: float) -> State:
        if self.crit is not None and self.crit.alerts(value):
            return State.CRITICAL
        if self.warn is not None and self.warn.alerts(value):
            return State.WARNING
        return State.OK

    @property
    def warn_text(self) -> str | None:
        return self.warn.text if self.warn else None

    @property
    def crit_text(self) -> str | None:
        return self.crit.text if self.crit else None


NO_THRESHOLDS = Thresholds()
