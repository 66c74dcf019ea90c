"""The session allowance ledger (coaching art. 10.1, 28).

Each plan grants `Plan.session_allowance` sessions per annual period, from the contract's
start to the end of its twelfth monthly term; unused sessions are lost at the period's
end and never carried over. The period is the one holding the session's local start day
(`terms.rules.coaching_training.session_period`), so a session booked now for next
period draws on next period's allowance. The renewal period starts at the anniversary
even when the renewal invoice is paid late (the pack's reading of art. 10.1, never fewer
days for the client).

A booked seat takes one session (-1); a change in time or the provider's force majeure
gives it back (+1, art. 10.1 and 28); held, late and no-show seats stay taken.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _

from clausier.billing.models import Subscription
from clausier.billing.subscriptions.contracts import pack_of
from clausier.coaching.errors import CoachingError
from clausier.coaching.models import LedgerEntry, LedgerKind, Participant
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import (
    ContractPeriod,
    session_period,
    session_quota,
)


@dataclass(frozen=True, slots=True)
class Allowance:
    subscription_id: int
    period_start: date
    period_end: date  # the last day of the period
    expires_at: datetime  # unused sessions are lost at this instant
    granted: int
    booked: int  # booked and not yet held, returned or consumed
    held: int
    consumed: int  # late changes and no-shows (art. 10.1)
    returned: int  # changes in time and force majeure (art. 10.1, 28)
    remaining: int
    clause: str

    @property
    def used(self) -> int:
        return self.held + self.consumed


def _require_started(subscription: Subscription) -> date:
    if subscription.start_date is None:
        raise CoachingError(
            _("Le contrat n'a pas commencé : il prend effet au paiement de la première facture."),
            code="contract_not_started",
        )
    return subscription.start_date


def period_for(
    subscription: Subscription, at: datetime, pack: Pack | None = None
) -> ContractPeriod:
    """The annual period whose allowance an instant (a session's start) draws on."""
    start = _require_started(subscription)
    try:
        return session_period(start, at, pack or pack_of(subscription))
    except (ValueError, OverflowError) as exc:  # before the start, or beyond the calendar
        raise CoachingError(
            _("Cette date est hors des périodes du contrat."), code="outside_contract"
        ) from exc


def ensure_granted(
    subscription: Subscription, period: ContractPeriod, now: datetime, pack: Pack
) -> None:
    """Write the period's grant once (concurrent callers meet the unique constraint)."""
    if LedgerEntry.objects.filter(
        subscription=subscription, period_start=period.start, kind=LedgerKind.GRANTED
    ).exists():
        return
    try:
        with transaction.atomic():
            LedgerEntry.objects.create(
                subscription=subscription,
                period_start=period.start,
                period_end=period.last_day,
                kind=LedgerKind.GRANTED,
                delta=subscription.plan.session_allowance or 0,
                clause=str(pack.clause("sessions.carry_over")),
                at=now,
            )
    except IntegrityError:
        pass  # granted by a concurrent request


def allowance(
    subscription: Subscription, at: datetime, now: datetime, pack: Pack | None = None
) -> Allowance:
    """What remains of the period holding `at` (default: today's), granted if need be."""
    pack = pack or pack_of(subscription)
    period = period_for(subscription, at, pack)
    ensure_granted(subscription, period, now, pack)
    rows = LedgerEntry.objects.filter(subscription=subscription, period_start=period.start)
    totals = rows.aggregate(
        remaining=Sum("delta"),
        granted=Sum("delta", filter=Q(kind=LedgerKind.GRANTED)),
        booked=Count("id", filter=Q(kind=LedgerKind.BOOKED)),
        held=Count("id", filter=Q(kind=LedgerKind.HELD)),
        consumed=Count("id", filter=Q(kind=LedgerKind.CONSUMED)),
        returned=Count(
            "id",
            filter=Q(kind__in=[LedgerKind.RETURNED, LedgerKind.FORCE_MAJEURE, LedgerKind.CREDITED]),
        ),
    )
    held, consumed, returned = totals["held"], totals["consumed"], totals["returned"]
    start = _require_started(subscription)
    quota = session_quota(start, totals["granted"] or 0, held + consumed, pack, at)
    return Allowance(
        subscription_id=subscription.pk,
        period_start=period.start,
        period_end=period.last_day,
        expires_at=quota.expires_at,
        granted=totals["granted"] or 0,
        booked=totals["booked"] - held - consumed - returned,
        held=held,
        consumed=consumed,
        returned=returned,
        remaining=totals["remaining"] or 0,
        clause=str(quota.clause),
    )


def record(
    participant: Participant, kind: str, now: datetime, clause: str, pack: Pack | None = None
) -> LedgerEntry:
    """One movement of a seat; a seat moves once per kind (the unique constraint)."""
    session = participant.session
    delta = {
        LedgerKind.BOOKED: -1,
        LedgerKind.RETURNED: 1,
        LedgerKind.FORCE_MAJEURE: 1,
        LedgerKind.CREDITED: 1,
    }.get(LedgerKind(kind), 0)
    return LedgerEntry.objects.create(
        subscription_id=session.subscription_id,
        period_start=session.period_start,
        period_end=session.period_end,
        kind=kind,
        delta=delta,
        participant=participant,
        clause=clause,
        at=now,
    )
