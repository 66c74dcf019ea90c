"""Statutory late-payment interest and recovery indemnity between professionals.

This is law, not a contract clause. The coaching seed (art. 8.4) still cites Code de
commerce L441-6, repealed in 2019; the rule now lives in L441-10 (interest) and D441-5
(40 € indemnity), and invoices cite the law in force.

L441-10 II: the rate is the ECB main refinancing rate plus 10 points; for the first
half-year the ECB rate in force on 1 January applies, for the second the one in force on
1 July. Interest runs from the day after the due date, on the amount including VAT, per
day late over 365 days. A lateness spanning several half-years is cut into one segment
per half-year, each at its own rate; each segment is an invoice line rounded half-up to
the cent, and the interest is their sum, so the printed lines always add up.

Interest runs on the unpaid part only, day by day (L441-10: "pénalités de retard" are owed
on the sums not paid at the due date). A payment reduces the base from the day after it
is received: the day it arrives was still a day late for that sum, as for a payment in
full. A part paid on time never bears interest. Segments are therefore cut both at each
half-year and at each payment; each names its base.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from clausier.core.calendar import DEFAULT_CONTRACT_ZONE, local_day
from clausier.core.clauses import ClauseRef
from clausier.core.money import to_cents

INTEREST_CLAUSE = ClauseRef("law", "Code de commerce, art. L441-10", "Pénalités de retard")
INDEMNITY_CLAUSE = ClauseRef(
    "law", "Code de commerce, art. D441-5", "Indemnité forfaitaire pour frais de recouvrement"
)

# Fixed by L441-10 II and D441-5, not by the contract: they live here, not in a pack.
STATUTORY_MARGIN_POINTS = Decimal("10")
RECOVERY_INDEMNITY = Decimal("40.00")
# Interest is per day over a 365-day year, leap years included (day count of the rule).
DAY_COUNT_BASIS = 365

# Days late are French calendar days: "today" for an unpaid invoice is the Paris date.
PARIS = DEFAULT_CONTRACT_ZONE
SHIPPED_TABLE = Path(__file__).resolve().parent.parent / "data" / "ecb_rates.toml"


class RateTableError(ValueError):
    """The ECB rate table is malformed or has no rate for a date."""


@dataclass(frozen=True, slots=True)
class EcbRate:
    effective: date
    percent: Decimal


@dataclass(frozen=True, slots=True)
class RateTable:
    """ECB MRO rate changes, sorted by date of effect.

    `confirmed_through` is the last date up to which the table is known to be complete;
    a rate looked up after it may have changed since without anyone telling us.
    """

    rates: tuple[EcbRate, ...]
    confirmed_through: date
    source: str = ""

    def in_force_on(self, day: date) -> EcbRate:
        found: EcbRate | None = None
        for rate in self.rates:
            if rate.effective > day:
                break
            found = rate
        if found is None:
            raise RateTableError(f"no ECB rate in force on {day.isoformat()}")
        return found


@dataclass(frozen=True, slots=True)
class StatutoryRate:
    """The annual late-payment rate for one half-year."""

    reference_date: date  # 1 January or 1 July
    ecb_percent: Decimal
    annual_percent: Decimal
    confirmed: bool  # False when the reference date is past the table's confirmed_through
    clause: ClauseRef = INTEREST_CLAUSE

    @property
    def percent(self) -> Decimal:
        """The annual rate applied, as invoices print it: the ECB rate + 10 points."""
        return self.annual_percent


@dataclass(frozen=True, slots=True)
class InterestSegment:
    """Days late within one half-year, both ends inclusive, at that half-year's rate."""

    first_day: date
    last_day: date
    days: int
    rate: StatutoryRate
    amount: Decimal  # rounded half-up to the cent: each segment is an invoice line
    base: Decimal  # the unpaid amount incl. VAT the interest runs on during the segment


@dataclass(frozen=True, slots=True)
class LatePaymentPenalty:
    amount_incl_vat: Decimal
    due_date: date
    paid_on: date
    days_late: int
    segments: tuple[InterestSegment, ...]
    interest: Decimal
    recovery_indemnity: Decimal
    total: Decimal
    clause: ClauseRef = INTEREST_CLAUSE
    indemnity_clause: ClauseRef = INDEMNITY_CLAUSE

    @property
    def rates_confirmed(self) -> bool:
        return all(segment.rate.confirmed for segment in self.segments)


# The MRO rate has stayed within 0-5 % since 1999; these wide bounds only catch typing
# slips in staff entries ("215" for "2.15"), which would otherwise multiply penalties.
_PLAUSIBLE_PERCENT = (Decimal(-5), Decimal(20))


def _percent(value: object, where: str) -> Decimal:
    if isinstance(value, float):
        raise RateTableError(f"{where}: write the rate as a string, floats carry binary error")
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise RateTableError(f"{where}: {value!r} is not a percentage") from exc
    low, high = _PLAUSIBLE_PERCENT
    if not percent.is_finite() or not low <= percent <= high:
        raise RateTableError(f"{where}: {value!r} is not a plausible ECB rate in percent")
    return percent


def parse_rate_table(text: str, source: str = "<string>") -> RateTable:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RateTableError(f"{source}: {exc}") from exc
    confirmed = data.get("confirmed_through")
    if not isinstance(confirmed, date):
        raise RateTableError(f"{source}: confirmed_through must be a date")
    rows = data.get("rate")
    if not isinstance(rows, list) or not rows:
        raise RateTableError(f"{source}: at least one [[rate]] is required")
    rates: list[EcbRate] = []
    for index, row in enumerate(rows):
        where = f"{source}: rate #{index + 1}"
        effective = row.get("effective")
        if not isinstance(effective, date):
            raise RateTableError(f"{where}: effective must be a date")
        rates.append(EcbRate(effective, _percent(row.get("percent"), where)))
    dates = [rate.effective for rate in rates]
    if dates != sorted(set(dates)):
        raise RateTableError(f"{source}: rates must be in strictly increasing date order")
    return RateTable(tuple(rates), confirmed, str(data.get("source", "")))


@functools.cache
def shipped_rates() -> RateTable:
    return parse_rate_table(SHIPPED_TABLE.read_text(encoding="utf-8"), str(SHIPPED_TABLE))


def merged_rates(
    extra: Iterable[tuple[date, Decimal | str | int]], base: RateTable | None = None
) -> RateTable:
    """The shipped table with staff-entered rates laid over it.

    A staff entry on a date already in the table replaces that row (staff correct us);
    entries re-stating an unchanged rate are allowed and only extend `confirmed_through`.
    """
    base = base if base is not None else shipped_rates()
    by_date = {rate.effective: rate for rate in base.rates}
    confirmed = base.confirmed_through
    for effective, percent in extra:
        if not isinstance(effective, date):
            raise RateTableError(f"{effective!r} is not a date")
        by_date[effective] = EcbRate(effective, _percent(percent, effective.isoformat()))
        confirmed = max(confirmed, effective)
    rates = tuple(by_date[day] for day in sorted(by_date))
    return RateTable(rates, confirmed, base.source)


def half_year_start(day: date) -> date:
    return date(day.year, 1 if day.month <= 6 else 7, 1)


def _next_half_year_start(day: date) -> date:
    start = half_year_start(day)
    return date(start.year, 7, 1) if start.month == 1 else date(start.year + 1, 1, 1)


def statutory_rate(day: date, rates: RateTable | None = None) -> StatutoryRate:
    """The annual late-payment rate applying to a day late."""
    table = rates if rates is not None else shipped_rates()
    reference = half_year_start(day)
    ecb = table.in_force_on(reference)
    return StatutoryRate(
        reference_date=reference,
        ecb_percent=ecb.percent,
        annual_percent=ecb.percent + STATUTORY_MARGIN_POINTS,
        confirmed=reference <= table.confirmed_through,
    )


def _segments(
    amount: Decimal, first_day: date, last_day: date, table: RateTable
) -> Sequence[InterestSegment]:
    segments: list[InterestSegment] = []
    start = first_day
    while start <= last_day:
        end = min(last_day, _next_half_year_start(start) - timedelta(days=1))
        days = (end - start).days + 1
        rate = statutory_rate(start, table)
        exact = amount * rate.annual_percent / 100 * days / DAY_COUNT_BASIS
        segments.append(InterestSegment(start, end, days, rate, to_cents(exact), to_cents(amount)))
        start = end + timedelta(days=1)
    return segments


def late_payment_penalty(
    amount_incl_vat: Decimal,
    due_date: date,
    paid_on: date,
    rates: RateTable | None = None,
) -> LatePaymentPenalty:
    """Interest and indemnity owed on an invoice paid (or still unpaid) on `paid_on`.

    `amount_incl_vat` is what was left unpaid at the due date, VAT included (a partly paid
    invoice bears interest on the unpaid part only). For an invoice still unpaid, see
    `late_payment_accrued`, which takes `now`.
    """
    if isinstance(amount_incl_vat, float) or not isinstance(amount_incl_vat, Decimal | int):
        raise TypeError("amount_incl_vat must be Decimal or int")
    amount = Decimal(amount_incl_vat)
    if amount < 0:
        raise ValueError("amount_incl_vat must not be negative")
    table = rates if rates is not None else shipped_rates()
    days_late = max(0, (paid_on - due_date).days)
    segments: Sequence[InterestSegment] = ()
    indemnity = Decimal("0.00")
    if days_late and amount:
        segments = _segments(amount, due_date + timedelta(days=1), paid_on, table)
        indemnity = RECOVERY_INDEMNITY
    interest = sum((segment.amount for segment in segments), Decimal("0.00"))
    return LatePaymentPenalty(
        amount_incl_vat=to_cents(amount),
        due_date=due_date,
        paid_on=paid_on,
        days_late=days_late,
        segments=tuple(segments),
        interest=interest,
        recovery_indemnity=indemnity,
        total=interest + indemnity,
    )


def _money(value: object, name: str) -> Decimal:
    if isinstance(value, float) or not isinstance(value, Decimal | int):
        raise TypeError(f"{name} must be Decimal or int")
    amount = Decimal(value)
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"{name} must be a finite amount, not negative")
    return amount


def late_payment_on_unpaid(
    amount_incl_vat: Decimal,
    due_date: date,
    payments: Iterable[tuple[date, Decimal]],
    until: date,
    rates: RateTable | None = None,
) -> LatePaymentPenalty:
    """Interest and indemnity on what stayed unpaid after the due date, day by day.

    `payments` are (day received, amount incl. VAT), credit notes included. A payment
    on or before the due date lowers the base before interest starts; a later one lowers
    it from the next day. Interest stops once the invoice is settled or on `until`.
    `paid_on` is the day the invoice was settled, else `until`; `days_late` counts the
    days on which some part was unpaid. The 40 € indemnity is owed once per invoice
    paid late, whatever the part (D441-5).
    """
    balance = _money(amount_incl_vat, "amount_incl_vat")
    table = rates if rates is not None else shipped_rates()
    ordered = sorted((day, _money(paid, "payment")) for day, paid in payments)
    settled_on: date | None = None
    for day, paid in ordered:
        if day <= due_date:
            balance -= paid
            if balance <= 0 and settled_on is None:
                settled_on = day
    later = [(day, paid) for day, paid in ordered if day > due_date]
    segments: list[InterestSegment] = []
    start, last_day = due_date + timedelta(days=1), due_date
    for day, paid in [*later, (until, Decimal(0))]:
        end = min(day, until)
        if balance > 0 and end >= start:
            segments.extend(_segments(balance, start, end, table))
            last_day = end
        start = max(start, end + timedelta(days=1))
        if day <= until and paid:
            balance -= paid
            if balance <= 0 and settled_on is None:
                settled_on = day
    days_late = (last_day - due_date).days
    interest = sum((segment.amount for segment in segments), Decimal("0.00"))
    indemnity = RECOVERY_INDEMNITY if days_late else Decimal("0.00")
    return LatePaymentPenalty(
        amount_incl_vat=to_cents(Decimal(amount_incl_vat)),
        due_date=due_date,
        paid_on=settled_on or until,
        days_late=days_late,
        segments=tuple(segments),
        interest=interest,
        recovery_indemnity=indemnity,
        total=interest + indemnity,
    )


def late_payment_accrued(
    amount_incl_vat: Decimal,
    due_date: date,
    now: datetime,
    rates: RateTable | None = None,
) -> LatePaymentPenalty:
    """Interest and indemnity accrued so far on an invoice still unpaid at `now`."""
    if now.tzinfo is None or now.tzinfo.utcoffset(now) is None:
        raise ValueError("now must be timezone-aware")
    return late_payment_penalty(amount_incl_vat, due_date, local_day(now, PARIS), rates)
