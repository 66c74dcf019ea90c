"""Coaching & training contract rules (seed 000, Kestio CGV): pure functions of their inputs.

Each takes the facts, then the terms pack the client accepted, then `now` where time
matters (the argument order of the managed-hosting rules), and returns a frozen result
citing its article. Instants are aware datetimes (results in
UTC); contract days are Europe/Paris calendar days. The readings chosen where the text is
ambiguous are written in the pack's `note`s; they follow Code civil art. 1190.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from clausier.core.calendar import add_months
from clausier.core.clauses import ClauseRef
from clausier.core.money import to_cents
from clausier.terms.packs import Pack

Frequency = Literal["monthly", "quarterly", "half_yearly", "yearly"]
_ZERO = timedelta(0)


def _ordered(first: datetime, then: datetime, what: str) -> timedelta:
    if then < first:
        raise ValueError(f"{what} ends before it starts")
    return then - first


def _utc(at: datetime, name: str) -> datetime:
    # Python compares and subtracts datetimes sharing one tzinfo on their wall clocks, so
    # two Paris instants across a DST change would be an hour off: normalise to UTC first.
    if at.tzinfo is None or at.tzinfo.utcoffset(at) is None:
        raise ValueError(f"{name} must be timezone-aware, got naive {at.isoformat()}")
    return at.astimezone(UTC)


def _local_day(pack: Pack, at: datetime, name: str) -> date:
    return _utc(at, name).astimezone(_zone(pack)).date()


def _zone(pack: Pack) -> ZoneInfo:
    # The business calendar carries the contract's zone; every contract day is local there.
    return pack.calendar("calendar.business_days").tz


def _day_end(pack: Pack, day: date) -> datetime:
    """The instant a contract day ends: midnight after it in the contract's zone, in UTC."""
    next_day = datetime.combine(day + timedelta(days=1), time(), tzinfo=_zone(pack))
    return next_day.astimezone(UTC)


def _money(amount: Decimal | int, name: str) -> Decimal:
    if isinstance(amount, float) or not isinstance(amount, Decimal | int):
        raise TypeError(f"{name} must be Decimal or int, never float")
    if amount < 0:
        raise ValueError(f"{name} must not be negative")
    return to_cents(amount)


# -- Contract start, periods, renewal -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContractStart:
    start: date
    commitment_ends_on: date  # first day after the commitment (the first renewal date)
    clause: ClauseRef


@dataclass(frozen=True, slots=True)
class ContractPeriod:
    """One 12-month block: index 0 is the commitment, then each tacit renewal."""

    index: int
    start: date
    renewal_date: date  # first day of the next period
    clause: ClauseRef

    @property
    def last_day(self) -> date:
        return self.renewal_date - timedelta(days=1)

    @property
    def is_commitment(self) -> bool:
        return self.index == 0


def contract_start(first_invoice_paid_at: datetime, pack: Pack) -> ContractStart:
    """Art. 9.1.1: the contract starts on the day its first invoice is paid."""
    start = _local_day(pack, first_invoice_paid_at, "first_invoice_paid_at")
    commitment_end = add_months(start, pack.months("subscription.commitment"))
    return ContractStart(start, commitment_end, pack.clause("subscription.start"))


def _period_start(pack: Pack, start: date, index: int) -> date:
    # Always from the contract start, never from the previous anniversary: a 31 January
    # start keeps 31 January anniversaries, a 29 February one returns in leap years.
    if index == 0:
        return start
    months = pack.months("subscription.commitment")
    months += (index - 1) * pack.months("subscription.renewal_period")
    return add_months(start, months)


def _period(pack: Pack, start: date, index: int, clause: ClauseRef) -> ContractPeriod:
    return ContractPeriod(
        index, _period_start(pack, start, index), _period_start(pack, start, index + 1), clause
    )


def contract_period(
    start: date, on: date, pack: Pack, clause_key: str = "subscription.renewal_period"
) -> ContractPeriod:
    """Art. 9.1.2: the commitment or renewal period holding day `on`."""
    if on < start:
        raise ValueError(f"{on.isoformat()} is before the contract start {start.isoformat()}")
    clause = pack.clause(clause_key)
    renewal = pack.months("subscription.renewal_period")
    # Jump close to the answer, then step: clamping can shift an anniversary by 3 days.
    elapsed = (on.year - start.year) * 12 + on.month - start.month
    index = max(0, (elapsed - pack.months("subscription.commitment")) // renewal)
    while index > 0 and _period_start(pack, start, index) > on:
        index -= 1
    while _period_start(pack, start, index + 1) <= on:
        index += 1
    return _period(pack, start, index, clause)


def instalment_due_dates(
    start: date, period: ContractPeriod, frequency: Frequency, pack: Pack
) -> tuple[date, ...]:
    """Art. 8.2.3: the due dates of one period's instalments, each payable in advance."""
    per_year = pack.count(f"billing.instalments_per_year.{frequency}")
    months = pack.months("subscription.renewal_period")
    if per_year <= 0 or months % per_year:
        raise ValueError(f"{per_year} instalments do not divide a {months}-month period")
    offset = (period.start.year - start.year) * 12 + period.start.month - start.month
    step = months // per_year
    return tuple(add_months(start, offset + k * step) for k in range(per_year))


# -- Client termination, balance, rejected debit ------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientTermination:
    notice_on: date
    effective_on: date  # the first day without contract
    notice_deadline: date | None  # art. 17 deadline for the renewal aimed at; None in commitment
    renewed_first: bool  # the notice came too late and one more period runs first
    clause: ClauseRef
    refuses_increase: bool = False  # art. 8.1: ends before an announced increase applies


@dataclass(frozen=True, slots=True)
class AnnouncedIncrease:
    """A price increase the client was told of (art. 8.1), not applied yet."""

    announced_at: datetime
    applies_from: date


def client_termination(
    start: date,
    notice_given_at: datetime,
    pack: Pack,
    *,
    pending_increase: AnnouncedIncrease | None = None,
) -> ClientTermination:
    """When a client's termination takes effect (art. 9.1.3 in commitment, art. 17 after).

    `notice_given_at` is when the client sent it: art. 17 asks for a registered letter and
    an email, and read against the drafter the notice is given by the first one sent.

    A notice given after an increase was announced and before it applies is a refusal of
    the increase (art. 8.1, "modalités de résiliation en cas de désaccord"): the contract
    ends on the day the new price would apply, when that comes before the ordinary end.
    The client need not give a reason: read against the drafter, any notice in that window
    is taken as a disagreement.
    """
    notice_on = _local_day(pack, notice_given_at, "notice_given_at")
    ordinary = _ordinary_termination(start, notice_on, pack)
    if pending_increase is None:
        return ordinary
    announced_on = _local_day(pack, pending_increase.announced_at, "announced_at")
    in_window = announced_on <= notice_on < pending_increase.applies_from
    if not in_window or pending_increase.applies_from >= ordinary.effective_on:
        return ordinary
    effective_on = max(pending_increase.applies_from, start)
    clause = pack.clause("price.increase_notice")
    return ClientTermination(notice_on, effective_on, None, False, clause, refuses_increase=True)


def _ordinary_termination(start: date, notice_on: date, pack: Pack) -> ClientTermination:
    period = contract_period(start, max(notice_on, start), pack)
    if period.is_commitment:
        clause = pack.clause("subscription.early_termination")
        return ClientTermination(notice_on, period.renewal_date, None, False, clause)
    deadline = add_months(period.renewal_date, -pack.months("subscription.termination_notice"))
    late = notice_on > deadline
    # A late notice lets the tacit renewal happen: the contract ends one period later.
    effective_on = _period_start(pack, start, period.index + (2 if late else 1))
    clause = pack.clause("subscription.termination_notice")
    return ClientTermination(notice_on, effective_on, deadline, late, clause)


@dataclass(frozen=True, slots=True)
class InstalmentBalance:
    """Instalments still owed: due dates, unit amount and total, and how they are billed."""

    due_dates: tuple[date, ...]
    instalment: Decimal
    total: Decimal
    clause: ClauseRef
    # True: billed in one invoice now; False: each invoiced and payable on its own date.
    at_once: bool = True


BALANCE_AT_DUE_DATES = "subscription.balance_at_due_dates"


def balance_at_due_dates(pack: Pack) -> bool:
    """Whether the pack reads "échéances restant à courir" as due at their own dates.

    Pack 1.0 bills the balance at once on the notice day; 1.1 keeps each instalment at
    its date (art. 9.1.3 §1, art. 17 "payable dans les conditions fixées à l'article 8").
    """
    return BALANCE_AT_DUE_DATES in pack.entries and pack.flag(BALANCE_AT_DUE_DATES)


def _due_between(
    pack: Pack, start: date, frequency: Frequency, after: date, before: date
) -> tuple[date, ...]:
    """Due dates d with after < d < before, across as many periods as needed."""
    dates: list[date] = []
    period = contract_period(start, max(after, start), pack)
    while period.start < before:
        dates += [
            d for d in instalment_due_dates(start, period, frequency, pack) if after < d < before
        ]
        period = _period(pack, start, period.index + 1, period.clause)
    return tuple(dates)


def termination_balance(
    start: date,
    notice_given_at: datetime,
    frequency: Frequency,
    instalment: Decimal,
    pack: Pack,
    *,
    force_majeure: bool = False,
    pending_increase: AnnouncedIncrease | None = None,
) -> InstalmentBalance:
    """Instalments still to fall due until the termination takes effect (9.1.3 / 17 / 8.1).

    Instalments due on or before the notice day are ordinary invoices, not part of the
    balance. Force majeure (art. 28) releases a client in commitment from the balance.
    `at_once` follows the pack's reading (`balance_at_due_dates`).
    """
    amount = _money(instalment, "instalment")
    at_once = not balance_at_due_dates(pack)
    termination = client_termination(
        start, notice_given_at, pack, pending_increase=pending_increase
    )
    in_commitment = contract_period(start, max(termination.notice_on, start), pack).is_commitment
    if force_majeure and in_commitment:
        return InstalmentBalance((), amount, Decimal("0.00"), termination.clause, at_once)
    due = _due_between(pack, start, frequency, termination.notice_on, termination.effective_on)
    return InstalmentBalance(due, amount, amount * len(due), termination.clause, at_once)


def rejected_debit_acceleration(
    start: date,
    rejected_due_on: date,
    frequency: Frequency,
    instalment: Decimal,
    pack: Pack,
    *,
    prior_written_request: bool = False,
) -> InstalmentBalance:
    """Art. 9.1.3 §2: a rejected debit makes the rest of the current 12-month period due."""
    amount = _money(instalment, "instalment")
    clause = pack.clause("subscription.rejected_debit_acceleration")
    if prior_written_request or not pack.flag("subscription.rejected_debit_acceleration"):
        return InstalmentBalance((), amount, Decimal("0.00"), clause)
    period = contract_period(start, rejected_due_on, pack)
    due = tuple(
        d for d in instalment_due_dates(start, period, frequency, pack) if d > rejected_due_on
    )
    return InstalmentBalance(due, amount, amount * len(due), clause)


# -- Price increase -----------------------------------------------------------------------


def earliest_day_with_notice(notice_on: date, months: int) -> date:
    """The first day D such that `notice_on` is at least `months` before D.

    Clamping makes notice + N months too early after a 31st: 31 January is not 3 months
    before 30 April (that is 30 January), hence the forward step.
    """
    candidate = add_months(notice_on, months)
    while add_months(candidate, -months) < notice_on:
        candidate += timedelta(days=1)
    return candidate


@dataclass(frozen=True, slots=True)
class PriceIncrease:
    announced_on: date
    applies_from: date
    announce_by: date  # the latest announcement day for `applies_from`
    notice_respected: bool
    earliest_application: date  # the first day the announced increase may apply
    client_may_terminate_by: date  # termination in disagreement takes effect by then
    clause: ClauseRef


def price_increase(announced_at: datetime, applies_from: date, pack: Pack) -> PriceIncrease:
    """Art. 8.1: a price increase is announced by letter three months before it applies.

    `announced_at` is when the client received the letter: the provider must "inform" the
    client, and a letter still in the post has informed no one.
    """
    months = pack.months("price.increase_notice")
    announced_on = _local_day(pack, announced_at, "announced_at")
    announce_by = add_months(applies_from, -months)
    earliest = earliest_day_with_notice(announced_on, months)
    return PriceIncrease(
        announced_on,
        applies_from,
        announce_by,
        notice_respected=announced_on <= announce_by,
        earliest_application=earliest,
        client_may_terminate_by=max(applies_from, earliest),
        clause=pack.clause("price.increase_notice"),
    )


# -- Sessions -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SessionPostponement:
    request_by: datetime
    in_time: bool  # free postponement
    counted_as_done: bool  # deducted from the plan's sessions
    billed: bool
    clause: ClauseRef


def session_postponement(
    session_starts_at: datetime, requested_at: datetime, pack: Pack, *, subscription: bool = True
) -> SessionPostponement:
    """Art. 10.1 (10.3 for other products): 48 clock hours' notice, else billed and counted."""
    starts = _utc(session_starts_at, "session_starts_at")
    requested = _utc(requested_at, "requested_at")
    key = "sessions.postponement_notice" if subscription else "sessions.other_postponement_notice"
    # Clock hours are elapsed time: computed in UTC, a DST night counts 23 or 25 hours.
    request_by = starts - pack.duration(key)
    in_time = requested <= request_by
    return SessionPostponement(request_by, in_time, not in_time, not in_time, pack.clause(key))


@dataclass(frozen=True, slots=True)
class SessionQuota:
    period: ContractPeriod
    purchased: int
    used: int
    remaining: int
    expires_at: datetime  # unused sessions are lost at this instant
    carried_over: int  # always 0 under this contract; kept to show the rule applied
    clause: ClauseRef


def session_quota(
    start: date, purchased: int, used_in_period: int, pack: Pack, now: datetime
) -> SessionQuota:
    """Art. 10.1: sessions are used within the annual period holding `now`; no carry-over.

    Sessions counted as done after a late cancellation are part of `used_in_period`.
    """
    if purchased < 0 or used_in_period < 0:
        raise ValueError("session counts must not be negative")
    clause = pack.clause("sessions.carry_over")
    period = contract_period(start, _local_day(pack, now, "now"), pack, "sessions.carry_over")
    remaining = max(0, purchased - used_in_period)
    expires_at = _day_end(pack, period.last_day)
    return SessionQuota(period, purchased, used_in_period, remaining, expires_at, 0, clause)


def session_period(start: date, session_starts_at: datetime, pack: Pack) -> ContractPeriod:
    """The annual period whose quota a session uses (its local start day decides)."""
    day = _local_day(pack, session_starts_at, "session_starts_at")
    return contract_period(start, day, pack, "sessions.carry_over")


# -- Trainings ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TrainingChange:
    """A postponement or cancellation of a training and its consequence."""

    requested_on: date
    last_day: date  # last day on which the change is allowed
    allowed: bool
    billed: bool  # client changes past the deadline: the training is billed
    clause: ClauseRef


def client_training_change(
    training_starts_on: date, requested_at: datetime, pack: Pack
) -> TrainingChange:
    """Art. 10.2 §1: the client postpones or cancels free until one month before the start."""
    requested_on = _local_day(pack, requested_at, "requested_at")
    last_day = add_months(training_starts_on, -pack.months("training.client_change_notice"))
    in_time = requested_on <= last_day
    clause = pack.clause("training.client_change_notice")
    # Past the deadline the training is "définitivement acquise": no change, fee billed.
    return TrainingChange(requested_on, last_day, in_time, not in_time, clause)


@dataclass(frozen=True, slots=True)
class ProviderTrainingChange:
    change: TrainingChange
    settlement: Literal["refund", "credit_note"] | None
    amount: Decimal  # fees paid, returned in full by refund or credit note


def provider_training_change(
    training_starts_on: date,
    decided_at: datetime,
    pack: Pack,
    *,
    kind: Literal["cancel", "postpone"] = "cancel",
    fees_paid: Decimal = Decimal(0),
    client_choice: Literal["refund", "credit_note"] = "refund",
    beyond_its_control: bool = False,
) -> ProviderTrainingChange:
    """Art. 10.2 §2-3: the provider cancels until seven days before, refunding or crediting.

    A postponement forced by circumstances beyond the provider's control (§3) has no limit.
    """
    paid = _money(fees_paid, "fees_paid")
    decided_on = _local_day(pack, decided_at, "decided_at")
    key = "training.provider_cancellation_notice"
    last_day = training_starts_on - timedelta(days=pack.days(key))
    exempt = kind == "postpone" and beyond_its_control
    allowed = exempt or decided_on <= last_day
    change = TrainingChange(decided_on, last_day, allowed, False, pack.clause(key))
    if kind == "cancel" and allowed:
        return ProviderTrainingChange(change, client_choice, paid)
    return ProviderTrainingChange(change, None, Decimal("0.00"))


# -- OPCO funding -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class OpcoBilling:
    """Who is billed what for a training (amounts HT) and when the client is billed."""

    subrogation_allowed: bool
    agreement_in_time: bool
    opco_amount: Decimal
    client_amount: Decimal
    # The first training day when billed in full for want of an agreement in time; None
    # when the client's part follows the ordinary payment terms (art. 8.2.1).
    client_billed_on: date | None
    clause: ClauseRef


def opco_subrogation_allowed(quote_excl_vat: Decimal, pack: Pack) -> bool:
    """Art. 8.2.4 §1: no subrogation for a quote under 3,000 € HT."""
    return _money(quote_excl_vat, "quote_excl_vat") >= pack.amount("opco.subrogation_minimum")


def opco_billing(
    price_excl_vat: Decimal,
    covered_excl_vat: Decimal,
    training_starts_at: datetime,
    agreement_received_at: datetime | None,
    pack: Pack,
) -> OpcoBilling:
    """Art. 8.2.4: split a training's price between the OPCO and the client."""
    price = _money(price_excl_vat, "price_excl_vat")
    covered = min(_money(covered_excl_vat, "covered_excl_vat"), price)
    starts = _utc(training_starts_at, "training_starts_at")
    clause = pack.clause("opco.subrogation_minimum")
    if not opco_subrogation_allowed(price, pack):
        # The client pays the provider and claims the funding from its OPCO itself.
        return OpcoBilling(False, False, Decimal("0.00"), price, None, clause)
    received = None if agreement_received_at is None else _utc(agreement_received_at, "agreement")
    in_time = received is not None and received < starts
    clause = pack.clause("opco.agreement_before_start")
    if not in_time:
        first_day = _local_day(pack, training_starts_at, "training_starts_at")
        return OpcoBilling(True, False, Decimal("0.00"), price, first_day, clause)
    return OpcoBilling(True, True, covered, price - covered, None, clause)


@dataclass(frozen=True, slots=True)
class AttendanceSplit:
    opco_billable: Decimal
    client_billable: Decimal  # the funded part the OPCO will not pay, billed to the client
    clause: ClauseRef


def opco_attendance_split(
    opco_amount: Decimal, planned_hours: Decimal, hours_not_done: Decimal, pack: Pack
) -> AttendanceSplit:
    """Art. 8.1.2: absences and blended learning not done shift their share to the client."""
    funded = _money(opco_amount, "opco_amount")
    if planned_hours <= 0 or not 0 <= hours_not_done <= planned_hours:
        raise ValueError("need 0 <= hours_not_done <= planned_hours and planned_hours > 0")
    clause = pack.clause("opco.unbillable_absences")
    if not pack.flag("opco.unbillable_absences"):
        return AttendanceSplit(funded, Decimal("0.00"), clause)
    opco = to_cents(funded * (planned_hours - hours_not_done) / planned_hours)
    return AttendanceSplit(opco, funded - opco, clause)


# -- Access, outages, maintenance ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AccessWindow:
    last_day: date
    until: datetime  # access ends at this instant (midnight after last_day, local)
    clause: ClauseRef


def access_after_end(effective_on: date, pack: Pack, *, subscription: bool = True) -> AccessWindow:
    """Art. 7.2.2 (subscriptions) / 7.2.3 (other services): access 2 months after the end.

    `effective_on` is the day the termination takes effect (`ClientTermination.effective_on`,
    the first day without contract) or the day after the service ended.
    """
    key = "access.after_subscription_termination" if subscription else "access.after_service_end"
    last_day = add_months(effective_on, pack.months(key))
    return AccessWindow(last_day, _day_end(pack, last_day), pack.clause(key))


@dataclass(frozen=True, slots=True)
class OutageOutcome:
    fix_deadline: datetime
    fixed: bool
    late: bool  # unfixed past the deadline (so far, when not fixed yet)
    unavailability: timedelta  # clock time, start to fix (or to `now`)
    training_access_extension: timedelta
    clause: ClauseRef


def outage_outcome(
    began_at: datetime,
    fixed_at: datetime | None,
    pack: Pack,
    now: datetime,
    *,
    subdivision: str | None = None,
) -> OutageOutcome:
    """Art. 7.3: fix within 48 heures ouvrées, else extend training access by the outage.

    `began_at` is the earliest known start of the malfunction; `subdivision` the holiday
    list of the provider's site when it is not general French law.
    """
    began = _utc(began_at, "began_at")
    end = _utc(fixed_at, "fixed_at") if fixed_at is not None else _utc(now, "now")
    calendar = pack.calendar("calendar.business_days", subdivision)
    deadline = calendar.add(began, pack.business_duration("outage.fix_within"))
    late = end > deadline
    unavailability = _ordered(began, end, "the outage")
    extends = late and pack.flag("outage.training_access_extension")
    extension = unavailability if extends else _ZERO
    clause = pack.clause("outage.fix_within")
    return OutageOutcome(deadline, fixed_at is not None, late, unavailability, extension, clause)


@dataclass(frozen=True, slots=True)
class MaintenanceNotice:
    announce_by: datetime
    announced_in_time: bool
    training_access_extension: timedelta
    clause: ClauseRef


def maintenance_notice(
    starts_at: datetime, ends_at: datetime, announced_at: datetime | None, pack: Pack
) -> MaintenanceNotice:
    """Art. 7.4: announce maintenance 48 clock hours ahead; trainings get the time back."""
    starts, ends = _utc(starts_at, "starts_at"), _utc(ends_at, "ends_at")
    announced = None if announced_at is None else _utc(announced_at, "announced_at")
    announce_by = starts - pack.duration("maintenance.notice")
    in_time = announced is not None and announced <= announce_by
    interruption = _ordered(starts, ends, "the maintenance")
    return MaintenanceNotice(announce_by, in_time, interruption, pack.clause("maintenance.notice"))


# -- Invoices and deliverables ------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DayWindow:
    """A period of whole days after an event: open through `last_day` (local), then closed."""

    last_day: date
    closes_at: datetime
    acted_in_time: bool | None  # None when nothing was done yet
    clause: ClauseRef


def _day_window(pack: Pack, key: str, event_at: datetime, acted_at: datetime | None) -> DayWindow:
    # The event day itself is not counted (délai de N jours: ends at the end of day N).
    last_day = _local_day(pack, event_at, "event_at") + timedelta(days=pack.days(key))
    closes_at = _day_end(pack, last_day)
    in_time = None if acted_at is None else _utc(acted_at, "acted_at") < closes_at
    return DayWindow(last_day, closes_at, in_time, pack.clause(key))


def invoice_dispute(
    invoice_received_at: datetime, dispute_received_at: datetime, pack: Pack
) -> DayWindow:
    """Art. 8.3: a dispute must reach the provider within 10 days of receiving the invoice."""
    return _day_window(pack, "invoice.dispute_window", invoice_received_at, dispute_received_at)


@dataclass(frozen=True, slots=True)
class DeliverableAcceptance:
    window: DayWindow
    status: Literal["reserved", "pending", "accepted"]
    clause: ClauseRef


def deliverable_acceptance(
    delivered_at: datetime, reservation_at: datetime | None, pack: Pack, now: datetime
) -> DeliverableAcceptance:
    """Art. 15: a written deliverable is deemed accepted 2 days after it without reservation."""
    window = _day_window(pack, "deliverables.reservation_window", delivered_at, reservation_at)
    if window.acted_in_time:
        status: Literal["reserved", "pending", "accepted"] = "reserved"
    elif _utc(now, "now") < window.closes_at and reservation_at is None:
        status = "pending"
    else:
        status = "accepted"
    return DeliverableAcceptance(window, status, window.clause)
