"""The support desk's clocks and ledgers as pure functions: the service (with rows) and the
simulator (in memory) both call these, so that they agree by construction.

They only compose the contract's rules (`terms.rules.managed_hosting`) with the facts an
emergency or a ticket accumulated; each result carries its clause.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from clausier.core.businesstime import Calendar
from clausier.core.calendar import add_months
from clausier.core.clauses import ClauseRef
from clausier.terms.packs import Pack
from clausier.terms.rules.managed_hosting import (
    GtiDeadline,
    GtrCredit,
    Pause,
    SlaCredit,
    cap_monthly_credits,
    gti_credit,
    gtr_credit,
    ticket_ack_deadline,
)

_ZERO = timedelta(0)
_MONTH_MINUTES = "advice.monthly_allowance"


# -- ticket acknowledgement (art. 5) -------------------------------------------------------


@dataclass(frozen=True)
class TicketClock:
    received_at: datetime
    deadline: datetime
    acknowledged_at: datetime | None
    taken: timedelta  # office time from receipt to the first human reply (or to now)
    late_by: timedelta  # clock time past the deadline
    breached: bool
    clause: ClauseRef


def ticket_clock(
    received_at: datetime,
    acknowledged_at: datetime | None,
    pack: Pack,
    calendar: Calendar,
    now: datetime,
) -> TicketClock:
    """Where a ticket's 1-office-hour acknowledgement stands; only a human reply stops it."""
    ack = ticket_ack_deadline(received_at, pack, calendar)
    end = acknowledged_at or now
    return TicketClock(
        ack.received_at,
        ack.deadline,
        acknowledged_at,
        max(calendar.between(ack.received_at, end), _ZERO),
        max(end - ack.deadline, _ZERO),
        ack.is_breached(acknowledged_at, now),
        ack.clause,
    )


# -- emergency clocks (art. 5, 14) ---------------------------------------------------------


def pauses_until(
    closed: Iterable[Pause], open_since: tuple[datetime, str] | None, now: datetime
) -> list[Pause]:
    """The intervention's pauses, an open one counted up to `now`."""
    pauses = list(closed)
    if open_since is not None:
        pauses.append(Pause(open_since[0], now, open_since[1]))
    return pauses


def gti_outcome(
    gti: GtiDeadline, started_at: datetime | None, monthly_fee: Decimal, pack: Pack, now: datetime
) -> SlaCredit:
    """GTI met or late, and its credit; while not started, lateness runs until `now`."""
    return gti_credit(gti.deadline, started_at, monthly_fee, pack, now)


def gtr_outcome(
    started_at: datetime,
    restored_at: datetime | None,
    monthly_fee: Decimal,
    pack: Pack,
    now: datetime,
    *,
    pauses: Iterable[Pause],
    full_backup: bool,
    blocking: bool,
) -> GtrCredit:
    """GTR from the intervention's start, third-party parts and backup restores excluded."""
    return gtr_credit(
        started_at,
        restored_at,
        monthly_fee,
        pack,
        now,
        pauses=pauses,
        full_backup_managed=full_backup,
        blocking_server_failure=blocking,
    )


def credit_month(requested_on: date) -> date:
    """A credit belongs to the month of the request it answers (the contract day)."""
    return requested_on.replace(day=1)


# -- the monthly cap, per server (art. 14) ---------------------------------------------------


@dataclass(frozen=True)
class Grant:
    computed: Decimal
    granted: Decimal  # what still fits under the server's fee for the month
    capped: bool
    clause: ClauseRef


def grant_within_cap(
    already_granted: Decimal, credit: Decimal, monthly_fee: Decimal, pack: Pack
) -> Grant:
    """Art. 14: a month's credits never exceed "les frais mensuels du service concerné".

    Read per managed server (the service the failure affected, whose fee the percentages
    of the GTI/GTR tables are taken from), granted in arrival order: the sum of the grants
    of a server's month equals `cap_monthly_credits` over all its credits.
    """
    capped = cap_monthly_credits([already_granted, credit], monthly_fee, pack)
    granted = max(capped.granted - already_granted, Decimal(0))
    return Grant(credit, granted, granted < credit, capped.clause)


# -- advice time (art. 3.4) --------------------------------------------------------------


@dataclass(frozen=True)
class AdviceBalance:
    earned: timedelta  # 30 minutes per month started since the server came under contract
    used: timedelta
    balance: timedelta  # negative: advice beyond the balance, to be quoted
    clause: ClauseRef

    @property
    def balance_minutes(self) -> int:
        return int(self.balance // timedelta(minutes=1))


def months_started(since: date, on: date) -> int:
    """Months begun from `since` up to `on` included (the first month counts at once)."""
    if on < since:
        return 0
    months = (on.year - since.year) * 12 + on.month - since.month
    if add_months(since, months) > on:
        months -= 1
    return months + 1


def advice_balance(since: date, on: date, used: Iterable[timedelta], pack: Pack) -> AdviceBalance:
    """The cumulative advice allowance of one server on `on` (unused time carries over)."""
    earned = pack.duration(_MONTH_MINUTES) * months_started(since, on)
    spent = sum(used, _ZERO)
    return AdviceBalance(earned, spent, earned - spent, pack.clause(_MONTH_MINUTES))
