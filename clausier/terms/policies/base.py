"""What a contract policy answers, and the shapes of its answers.

A policy is the contract of one service line seen from billing: it reads the terms pack
the client accepted, calls the pure rules of `clausier.terms.rules`, and returns
decisions citing their clause. It changes nothing: billing performs the side effects
(invoices, dates moved, messages). A question the contract does not address is answered
with None ("this contract has no such clause"): that is the default here, so a policy
overrides only what its contract says.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import ClassVar

from clausier.core.clauses import ClauseRef
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import AnnouncedIncrease, DayWindow, PriceIncrease
from clausier.terms.rules.managed_hosting import CappedCredits, PaymentDefault, SyntecIndex

# An index as staff entered it: value, the month it measures, the day it was published.
PublishedIndex = tuple[Decimal, date, date | None]


@dataclass(frozen=True, slots=True)
class ContractStart:
    start: date  # the first day of the contract, from which anniversary periods run
    clause: ClauseRef


class BalanceBilling(StrEnum):
    """How the instalments left at a client's termination are billed."""

    NOTHING = "nothing"  # nothing more is billed (paid periods run out; or released)
    AT_ONCE = "at_once"  # in one invoice on the notice day
    AT_DUE_DATES = "at_due_dates"  # each by the ordinary billing run on its own date


@dataclass(frozen=True, slots=True)
class TerminationBalance:
    """What a client's notice does: when the contract ends and what it leaves owed."""

    notice_on: date
    effective_on: date  # the first day without contract
    billing: BalanceBilling
    due_dates: tuple[date, ...]  # the instalments billed at once (`AT_ONCE` only)
    instalment: Decimal
    refuses_increase: bool  # the notice refuses an announced increase (coaching art. 8.1)
    clause: ClauseRef

    @property
    def at_once(self) -> bool:
        return self.billing is BalanceBilling.AT_ONCE


@dataclass(frozen=True, slots=True)
class Acceleration:
    """Instalments a rejected debit makes due at once, and the end of their period."""

    due_dates: tuple[date, ...]
    instalment: Decimal
    period_ends_on: date | None  # the renewal date of the period; None when nothing is due
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class Indexation:
    """The price is revised by an index at each contract anniversary."""

    splits_period_at_anniversary: bool  # the revised price applies from the day itself
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class IndexRevision:
    """The price from an anniversary, and the index the next revision divides by."""

    revised_amount: Decimal
    latest: SyntecIndex | None  # the index applied; None when none was published yet
    retained: SyntecIndex | None  # None: the contract's own index still is the base
    base: Decimal | None  # the retained index as compared with `latest` (same series)
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class DayLimit:
    days: int
    clause: ClauseRef


class ContractPolicy(ABC):
    """The contract of one service line, as billing, dunning and credits ask it.

    Subclasses set `service_line` (the `[pack] service_line` they answer for) and are
    listed in `clausier.terms.policies.POLICIES`.
    """

    service_line: ClassVar[str] = ""

    def __init__(self, pack: Pack) -> None:
        if pack.service_line != self.service_line:
            raise ValueError(f"{type(self).__name__} cannot read a {pack.label} pack")
        self.pack = pack

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.pack.label}>"

    # -- questions every contract answers -----------------------------------------------

    @abstractmethod
    def contract_start(self, first_invoice_paid_at: datetime) -> ContractStart:
        """The contract's first day, once its first invoice is paid."""
        raise NotImplementedError

    @abstractmethod
    def instalment_clause(self, period_months: int) -> ClauseRef | None:
        """The clause an ordinary period's invoice line cites; None when none applies."""
        raise NotImplementedError

    @abstractmethod
    def termination_balance(
        self,
        *,
        start: date | None,
        notice_given_at: datetime,
        paid_through: date | None,
        period_months: int,
        instalment: Decimal,
        force_majeure: bool = False,
        pending_increase: AnnouncedIncrease | None = None,
    ) -> TerminationBalance:
        """What a client's notice given at `notice_given_at` does.

        `paid_through` is the first day not invoiced yet (the subscription's
        `billed_until`); `pending_increase` an announced increase not applied yet.
        """
        raise NotImplementedError

    # -- clauses only some contracts have -----------------------------------------------

    def invoices_instalments_due_before_notice(self) -> bool:
        """Whether the instalments due up to the notice day are invoiced before the
        termination is computed (they are ordinary invoices, not part of the balance)."""
        return False

    def on_rejected_debit(
        self, *, start: date, rejected_due_on: date, period_months: int, instalment: Decimal
    ) -> Acceleration | None:
        """What a rejected direct debit of the instalment due on `rejected_due_on` makes due."""
        return None

    def credit_cap(self, credits: Iterable[Decimal], monthly_fee: Decimal) -> CappedCredits | None:
        """A month's service credits once capped; None when the contract sets no cap."""
        return None

    def price_change_notice(
        self, announced_at: datetime, applies_from: date
    ) -> PriceIncrease | None:
        """The notice an announced price increase needs; None when prices change otherwise."""
        return None

    def indexation(self) -> Indexation | None:
        """The index revision of the price at each anniversary; None without one."""
        return None

    def index_revision(
        self,
        current_amount: Decimal,
        published: Sequence[PublishedIndex],
        anniversary: date,
        retained: tuple[Decimal, date] | None,
    ) -> IndexRevision | None:
        """The price revised at `anniversary` from the indices entered so far;
        `retained` is the index (value, month) the previous revision used."""
        return None

    def payment_default_clause(self) -> ClauseRef | None:
        """The clause giving the provider rights on an unpaid invoice (suspension,
        termination after a formal notice); None when the contract gives none."""
        return None

    def payment_default(
        self, due_on: date, paid_on: date | None, notice_presented_on: date | None, now: datetime
    ) -> PaymentDefault | None:
        """What the provider may do about an invoice due on `due_on`, on `now`'s date."""
        return None

    def invoice_dispute(
        self, invoice_received_at: datetime, dispute_received_at: datetime
    ) -> DayWindow | None:
        """Whether a dispute came in time; None when the contract sets no window."""
        return None

    def termination_after_terms_change(self) -> DayLimit | None:
        """The days a client has to terminate after a new version of the terms comes
        into force; None when the accepted version keeps applying."""
        return None
