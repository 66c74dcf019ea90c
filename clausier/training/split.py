"""Who pays what for a training quote: the OPCO, the client, and the clause of each part.

Pure: it takes the quote's facts and the terms pack the client accepted, and calls the
contract's rules (`terms.rules.coaching_training`: `opco_billing`,
`opco_attendance_split`); the services issue the invoices it describes, and the
simulator's handler reports them. Hours are hours-trainees: a participant's planned
hours are the training's duration, their done hours the half-days attended (partial
presence in minutes) and the e-learning modules completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.utils.translation import gettext as _

from clausier.core.clauses import ClauseRef
from clausier.core.money import to_cents
from clausier.terms.packs import Pack
from clausier.terms.rules.coaching_training import opco_attendance_split, opco_billing
from clausier.training.errors import HoursMismatch

# No pack entry carries art. 8.1.1 (shipped packs are digest-locked): cited here.
PAID_BY_CLIENT = ClauseRef("coaching_training", "8.1.1", "Cas des formations réglées par le client")
FUNDER_NON_PAYMENT_KEY = "opco.agreement_before_start"  # art. 8.2.4, its last sentence

Payer = Literal["opco", "client"]
Part = Literal["full", "covered", "uncovered", "not_done", "non_payment"]


@dataclass(frozen=True, slots=True)
class ParticipantHours:
    planned: Decimal
    done: Decimal

    @property
    def not_done(self) -> Decimal:
        return self.planned - self.done


@dataclass(frozen=True, slots=True)
class SplitLine:
    payer: Payer
    part: Part
    hours: Decimal
    amount_ht: Decimal
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class Split:
    lines: tuple[SplitLine, ...]
    subrogation: bool
    # The first training day when the whole training goes to the client for want of an
    # agreement in time (art. 8.2.4); None otherwise.
    client_billed_on: date | None

    def total(self, payer: Payer) -> Decimal:
        return sum((line.amount_ht for line in self.lines if line.payer == payer), Decimal("0.00"))

    def hours(self, payer: Payer) -> Decimal:
        return sum((line.hours for line in self.lines if line.payer == payer), Decimal("0.00"))

    def of(self, payer: Payer) -> tuple[SplitLine, ...]:
        return tuple(line for line in self.lines if line.payer == payer)


def _hours(participants: list[ParticipantHours]) -> tuple[Decimal, Decimal]:
    planned = sum((p.planned for p in participants), Decimal(0))
    done = sum((p.done for p in participants), Decimal(0))
    for p in participants:
        if not 0 <= p.done <= p.planned:
            raise HoursMismatch(
                _("Heures réalisées (%(done)s h) hors de 0 à %(planned)s h prévues.")
                % {"done": p.done, "planned": p.planned}
            )
    return planned, done


def split_quote(
    *,
    price_ht: Decimal,
    funded: bool,
    participants: list[ParticipantHours],
    starts_at: datetime,
    covered_ht: Decimal | None,
    covered_hours: Decimal | None,
    agreement_received_at: datetime | None,
    pack: Pack,
) -> Split:
    """The invoice lines of a quote once the training is over (or on day 1, art. 8.2.4).

    - paid by the client (art. 8.1.1): the whole price, whatever the attendance;
    - funded, quote under the subrogation minimum or no agreement before the start
      (art. 8.2.4): the whole price to the client;
    - funded with an agreement in time: the OPCO pays the covered amount prorated on the
      hours done (art. 8.1.2), the client the uncovered difference (art. 8.2.4) and the
      covered share of the hours not done (art. 8.1.2).

    The agreement's hours must be the hours planned, or HoursMismatch names both.
    """
    price = to_cents(price_ht)
    if not participants:
        raise ValueError("a split needs at least one participant")
    planned, done = _hours(participants)
    if not funded:
        full = SplitLine("client", "full", planned, price, PAID_BY_CLIENT)
        return Split((full,) if price > 0 else (), False, None)
    billing = opco_billing(price, covered_ht or Decimal(0), starts_at, agreement_received_at, pack)
    if not billing.subrogation_allowed or not billing.agreement_in_time:
        line = SplitLine("client", "full", planned, price, billing.clause)
        kept_full: tuple[SplitLine, ...] = (line,) if price > 0 else ()
        return Split(kept_full, billing.subrogation_allowed, billing.client_billed_on)
    if covered_hours is None or covered_hours != planned:
        raise HoursMismatch(
            _(
                "L'accord de prise en charge couvre %(agreement)s h, les inscriptions en "
                "prévoient %(planned)s h : corrigez l'accord ou les inscriptions."
            )
            % {"agreement": covered_hours, "planned": planned}
        )
    attendance = opco_attendance_split(billing.opco_amount, planned, planned - done, pack)
    lines = [
        SplitLine("opco", "covered", done, attendance.opco_billable, billing.clause),
        SplitLine("client", "uncovered", planned, billing.client_amount, billing.clause),
        SplitLine(
            "client", "not_done", planned - done, attendance.client_billable, attendance.clause
        ),
    ]
    kept = tuple(line for line in lines if line.amount_ht > 0)
    return Split(kept, True, None)
