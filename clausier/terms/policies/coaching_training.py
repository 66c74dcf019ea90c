"""The coaching & training contract (seed 000) as billing asks it.

- Start (art. 9.1.1): the contract starts on the day its first invoice is paid.
- Instalments (art. 8.2.3): 12, 4, 2 or 1 per contract year, each payable in advance.
- Termination (art. 9.1.3 in commitment, 17 after): effect at the end of the commitment
  or renewal period; the instalments left stay owed, at once (pack 1.0) or each on its
  date (1.1); force majeure (art. 28) releases a client in commitment; a notice refusing
  an announced increase (art. 8.1) ends the contract on the day it would apply.
- Rejected debit (art. 9.1.3 §2): the rest of the current 12-month period falls due.
- Price increases (art. 8.1): announced three months before they apply.
- Disputes (art. 8.3): within ten days of the invoice.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from clausier.core.clauses import ClauseRef
from clausier.terms.packs import Pack
from clausier.terms.policies.base import (
    Acceleration,
    BalanceBilling,
    ContractPolicy,
    ContractStart,
    TerminationBalance,
)
from clausier.terms.rules import coaching_training
from clausier.terms.rules.coaching_training import AnnouncedIncrease, Frequency

# The contract's instalment frequencies, by the months one instalment pays for.
FREQUENCIES: dict[int, Frequency] = {
    1: "monthly",
    3: "quarterly",
    6: "half_yearly",
    12: "yearly",
}


class CoachingTrainingPolicy(ContractPolicy):
    service_line = "coaching_training"

    def __init__(self, pack: Pack) -> None:
        super().__init__(pack)
        # Asked for every invoice line by the billing run: read from the pack once.
        self._instalment_clauses = {
            months: pack.clause(key)
            for months, frequency in FREQUENCIES.items()
            if (key := f"billing.instalments_per_year.{frequency}") in pack.entries
        }

    def contract_start(self, first_invoice_paid_at: datetime) -> ContractStart:
        started = coaching_training.contract_start(first_invoice_paid_at, self.pack)
        return ContractStart(started.start, started.clause)

    def instalment_clause(self, period_months: int) -> ClauseRef | None:
        return self._instalment_clauses.get(period_months)

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
        if start is None:
            raise ValueError("a contract not started yet has no termination balance")
        balance = coaching_training.termination_balance(
            start,
            notice_given_at,
            FREQUENCIES[period_months],
            instalment,
            self.pack,
            force_majeure=force_majeure,
            pending_increase=pending_increase,
        )
        termination = coaching_training.client_termination(
            start, notice_given_at, self.pack, pending_increase=pending_increase
        )
        end = termination.effective_on
        if termination.refuses_increase and paid_through and paid_through > end:
            # A period already invoiced at the old price runs to its end, without refund.
            end = paid_through
        if balance.at_once:
            billing = BalanceBilling.AT_ONCE
        elif force_majeure and not balance.due_dates:
            billing = BalanceBilling.NOTHING  # art. 28 released the balance
        else:
            billing = BalanceBilling.AT_DUE_DATES
        return TerminationBalance(
            termination.notice_on,
            end,
            billing,
            balance.due_dates,
            balance.instalment,
            termination.refuses_increase,
            balance.clause,
        )

    def invoices_instalments_due_before_notice(self) -> bool:
        return True

    def on_rejected_debit(
        self, *, start: date, rejected_due_on: date, period_months: int, instalment: Decimal
    ) -> Acceleration | None:
        frequency = FREQUENCIES.get(period_months)
        if frequency is None:
            return None
        result = coaching_training.rejected_debit_acceleration(
            start, rejected_due_on, frequency, instalment, self.pack
        )
        period_ends_on = None
        if result.due_dates:
            period = coaching_training.contract_period(start, rejected_due_on, self.pack)
            period_ends_on = period.renewal_date
        return Acceleration(result.due_dates, result.instalment, period_ends_on, result.clause)

    def price_change_notice(
        self, announced_at: datetime, applies_from: date
    ) -> coaching_training.PriceIncrease:
        return coaching_training.price_increase(announced_at, applies_from, self.pack)

    def invoice_dispute(
        self, invoice_received_at: datetime, dispute_received_at: datetime
    ) -> coaching_training.DayWindow:
        return coaching_training.invoice_dispute(
            invoice_received_at, dispute_received_at, self.pack
        )
