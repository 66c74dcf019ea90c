"""The managed-hosting contract (seed 004) as billing asks it.

- Start (art. 8.3): the service starts on order, with payment of the first invoice.
- Periods (art. 8.3): billed in advance, quarters being calendar quarters.
- Termination (art. 9): before term, without refund; read against the drafter, the
  service runs to the end of the period already invoiced and nothing more is billed.
- SYNTEC revision (art. 8.2) at each anniversary; SLA credits capped per month (art. 14).
- Default (art. 8.3): interventions suspendable, termination after a formal notice.
- Modification (art. 11): the client may terminate within thirty days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal

from clausier.core.clauses import ClauseRef
from clausier.terms.packs import Pack
from clausier.terms.policies.base import (
    BalanceBilling,
    ContractPolicy,
    ContractStart,
    DayLimit,
    Indexation,
    IndexRevision,
    PublishedIndex,
    TerminationBalance,
)
from clausier.terms.rules import managed_hosting
from clausier.terms.rules.coaching_training import AnnouncedIncrease
from clausier.terms.zone import contract_day


class ManagedHostingPolicy(ContractPolicy):
    service_line = "managed_hosting"

    def __init__(self, pack: Pack) -> None:
        super().__init__(pack)
        # Asked for every invoice line by the billing run: read from the pack once.
        self._instalment_clause = pack.clause("payment.quarter")
        self._indexation = Indexation(
            managed_hosting.revision_applies_from_anniversary(pack),
            pack.clause("indexation.contract_index"),
        )

    def contract_start(self, first_invoice_paid_at: datetime) -> ContractStart:
        start = contract_day(first_invoice_paid_at, self.pack)
        return ContractStart(start, self.pack.clause("payment.in_advance"))

    def instalment_clause(self, period_months: int) -> ClauseRef | None:
        return self._instalment_clause

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
        notice_on = contract_day(notice_given_at, self.pack)
        return TerminationBalance(
            notice_on,
            paid_through or notice_on,
            BalanceBilling.NOTHING,
            (),
            instalment,
            False,
            self.pack.clause("termination.client_before_term"),
        )

    def credit_cap(
        self, credits: Iterable[Decimal], monthly_fee: Decimal
    ) -> managed_hosting.CappedCredits:
        return managed_hosting.cap_monthly_credits(credits, monthly_fee, self.pack)

    def indexation(self) -> Indexation:
        return self._indexation

    def index_revision(
        self,
        current_amount: Decimal,
        published: Sequence[PublishedIndex],
        anniversary: date,
        retained: tuple[Decimal, date] | None,
    ) -> IndexRevision:
        pack = self.pack
        indices = [
            managed_hosting.syntec_index(value, month, pack, published_on)
            for value, month, published_on in published
        ]
        latest = managed_hosting.latest_published_index(indices, anniversary, pack)
        previous = managed_hosting.syntec_index(*retained, pack) if retained else None
        if latest is None:
            # No index entered: the price stays, the anniversary is recorded as passed.
            clause = pack.clause("indexation.contract_index")
            return IndexRevision(current_amount, None, previous, None, clause)
        revision = managed_hosting.syntec_revision(current_amount, latest, pack, previous)
        return IndexRevision(
            revision.revised_amount, latest, latest, revision.base, revision.clause
        )

    def payment_default_clause(self) -> ClauseRef:
        return self.pack.clause("payment.termination_after_notice")

    def payment_default(
        self, due_on: date, paid_on: date | None, notice_presented_on: date | None, now: datetime
    ) -> managed_hosting.PaymentDefault:
        return managed_hosting.payment_default(due_on, paid_on, notice_presented_on, self.pack, now)

    def termination_after_terms_change(self) -> DayLimit:
        key = "termination.after_modification"
        return DayLimit(self.pack.days(key), self.pack.clause(key))
