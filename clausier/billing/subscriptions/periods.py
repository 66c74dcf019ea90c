"""Billing periods, pure: anniversary periods from a start date, or calendar periods
with a prorated first one (managed hosting art. 8.3: calendar quarters)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from clausier.core.calendar import add_months


@dataclass(frozen=True)
class BillingPeriod:
    start: date
    end: date  # exclusive
    prorata: Decimal  # 1 for a full period

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)


def calendar_period_start(day: date, months: int) -> date:
    """The calendar period of `months` months holding `day`: months, quarters, halves, years."""
    index = (day.month - 1) // months * months
    return date(day.year, index + 1, 1)


def period_at(day: date, anchor: date, months: int, calendar_aligned: bool) -> BillingPeriod:
    """The billing period that starts on `day` (the subscription's billed_until)."""
    if calendar_aligned:
        full_start = calendar_period_start(day, months)
        end = add_months(full_start, months)
        full_days = (end - full_start).days
        days = (end - day).days
        prorata = Decimal(1) if day == full_start else Decimal(days) / Decimal(full_days)
        return BillingPeriod(day, end, prorata)
    # Anniversary: the k-th period after the anchor, each bound computed from the anchor
    # so that month-end clamping never drifts (31 Jan → 28 Feb → 31 Mar, not 28 Mar).
    k = 0
    while add_months(anchor, months * (k + 1)) <= day:
        k += 1
    start, end = add_months(anchor, months * k), add_months(anchor, months * (k + 1))
    prorata = (
        Decimal(1) if start == day else Decimal((end - day).days) / Decimal((end - start).days)
    )
    return BillingPeriod(day, end, prorata)
