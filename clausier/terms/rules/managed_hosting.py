"""Managed-hosting contract rules: plain functions of their inputs, the pack and `now`.

Every number comes from the terms pack the client accepted; every result cites the pack
entry (article and title) it comes from. Instants are timezone-aware and returned in UTC;
contract dates are Paris calendar dates. Money is Decimal, rounded half-up to the cent.

Readings kept where the contract is ambiguous (Code civil art. 1190, against the drafter)
are written in the pack's `note` fields; the non-obvious ones are repeated here where the
code depends on them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from clausier.core.businesstime import PARIS, Calendar, HolidaySeat
from clausier.core.calendar import (
    add_months,
    anniversary_on_or_after,
    contract_year_bounds,
    local_day,
    local_midnight,
    quarter_bounds,
)
from clausier.core.clauses import ClauseRef
from clausier.core.money import to_cents
from clausier.terms.packs import Pack

_ZERO = timedelta(0)
_HUNDRED = Decimal(100)
_MINUTE = timedelta(minutes=1)


def office_calendar(
    pack: Pack, seat: HolidaySeat | str | None = None, closures: Iterable[date] = ()
) -> Calendar:
    """HO of the contract, with the public holidays of the provider's seat.

    Office hours and holidays are the provider's (art. 2, 5: its support is what opens
    and closes): a client in Alsace-Moselle does not close a provider in
    Bouches-du-Rhône on Good Friday. `seat` is the provider's (`Provider.holiday_seat`;
    a bare string is a French subdivision). Pack 1.0 said the client's site, which was
    never recorded: under 1.0 the calendar stays the national French one it always was.
    """
    if isinstance(seat, str):
        seat = HolidaySeat("FR", seat)
    if seat is None or not _reading_text(pack, "calendar.holidays_of", "provider_seat"):
        seat = HolidaySeat()
    return pack.calendar("calendar.office_hours", seat.subdivision, closures, seat.country)


def _reading_text(pack: Pack, key: str, expected: str) -> bool:
    return key in pack.entries and pack.text(key) == expected


def _aware(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware")
    return at.astimezone(UTC)


def _fee(monthly_fee: Decimal) -> Decimal:
    if not isinstance(monthly_fee, Decimal):
        raise TypeError("money amounts must be Decimal, never float")
    if monthly_fee < 0:
        raise ValueError("money amounts must not be negative")
    return monthly_fee


def _share(monthly_fee: Decimal, percent: Decimal) -> Decimal:
    return to_cents(_fee(monthly_fee) * percent / _HUNDRED)


def _paris_day(at: datetime) -> date:
    return local_day(at, PARIS)


def _paris_midnight(day: date) -> datetime:
    return local_midnight(day, PARIS)


# -- GTI: emergency intervention start (art. 5, art. 14) --------------------------------


@dataclass(frozen=True)
class GtiDeadline:
    requested_at: datetime
    deadline: datetime
    in_office_hours: bool
    clause: ClauseRef


def gti_deadline(
    requested_at: datetime, pack: Pack, calendar: Calendar | None = None
) -> GtiDeadline:
    """When the emergency intervention must start.

    In HO: the earlier of +1 business hour and +3 clock hours, so that a request at 17:30
    on a Friday is not answered later than one made at 18:00 (HNO, +3 clock hours).
    """
    requested_at = _aware(requested_at, "requested_at")
    calendar = calendar or office_calendar(pack)
    if calendar.is_open(requested_at):
        business = calendar.add(requested_at, pack.business_duration("gti.deadline_ho"))
        capped = requested_at + pack.duration("gti.deadline_cap")
        key = "gti.deadline_ho" if business <= capped else "gti.deadline_cap"
        return GtiDeadline(requested_at, min(business, capped), True, pack.clause(key))
    deadline = requested_at + pack.duration("gti.deadline_hno")
    return GtiDeadline(requested_at, deadline, False, pack.clause("gti.deadline_hno"))


@dataclass(frozen=True)
class SlaCredit:
    """A service credit: how late (or how long), which percent, how much, and why."""

    measured: timedelta
    percent: Decimal
    amount: Decimal
    clause: ClauseRef


def gti_credit(
    deadline: datetime,
    started_at: datetime | None,
    monthly_fee: Decimal,
    pack: Pack,
    now: datetime,
) -> SlaCredit:
    """Credit for a late start; while not started, lateness runs until `now`.

    Lateness is clock time after the deadline; 'GTI + 1h' is reached at exactly 1 hour.
    """
    deadline = _aware(deadline, "deadline")
    end = _aware(started_at, "started_at") if started_at else _aware(now, "now")
    lateness = max(end - deadline, _ZERO)
    percent = pack.tiers("gti.lateness_credit").percent_for(lateness)
    return SlaCredit(
        lateness, percent, _share(monthly_fee, percent), pack.clause("gti.lateness_credit")
    )


# -- GTR: restoration time (art. 14) ----------------------------------------------------


class Pause(NamedTuple):
    """Time not counted in GTR: third-party part replacement, backup restoration."""

    start: datetime
    end: datetime
    reason: str = ""


def _union_within(pauses: Iterable[Pause], start: datetime, end: datetime) -> timedelta:
    clipped = sorted(
        (max(_aware(p.start, "pause start"), start), min(_aware(p.end, "pause end"), end))
        for p in pauses
    )
    total, cursor = _ZERO, start
    for begin, finish in clipped:
        begin = max(begin, cursor)
        if finish > begin:
            total += finish - begin
            cursor = finish
    return total


@dataclass(frozen=True)
class GtrCredit:
    elapsed: timedelta  # clock time from intervention start to restoration (or now)
    counted: timedelta  # minus third-party part replacement and backup restoration
    eligible: bool
    percent: Decimal
    amount: Decimal
    clause: ClauseRef


def gtr_credit(
    intervention_started_at: datetime,
    restored_at: datetime | None,
    monthly_fee: Decimal,
    pack: Pack,
    now: datetime,
    *,
    pauses: Iterable[Pause] = (),
    full_backup_managed: bool,
    blocking_server_failure: bool = True,
) -> GtrCredit:
    """Credit for a slow restoration; tiers apply strictly beyond each bound (GTR + 4h...).

    Only a blocking failure attributable to one managed server, with the provider's full
    backup option, qualifies; otherwise the result is not eligible and worth nothing.
    """
    start = _aware(intervention_started_at, "intervention_started_at")
    end = _aware(restored_at, "restored_at") if restored_at else _aware(now, "now")
    end = max(end, start)
    elapsed = end - start
    counted = elapsed - _union_within(pauses, start, end)
    eligible = blocking_server_failure and (
        full_backup_managed or not pack.flag("gtr.requires_full_backup")
    )
    percent = pack.tiers("gtr.restoration_credit").percent_for(counted) if eligible else Decimal(0)
    clause = pack.clause("gtr.restoration_credit")
    return GtrCredit(elapsed, counted, eligible, percent, _share(monthly_fee, percent), clause)


# -- High availability and the monthly cap (art. 14) ------------------------------------


@dataclass(frozen=True)
class HaCredit:
    availability: Decimal
    percent: Decimal
    amount: Decimal
    clause: ClauseRef


def ha_credit(availability_percent: Decimal, monthly_fee: Decimal, pack: Pack) -> HaCredit:
    """Credit for a month's measured availability (a Decimal percentage, 0-100)."""
    if not isinstance(availability_percent, Decimal) or not 0 <= availability_percent <= 100:
        raise ValueError("availability must be a Decimal percentage between 0 and 100")
    percent = pack.tiers("ha.availability_credit").percent_for(availability_percent)
    return HaCredit(
        availability_percent,
        percent,
        _share(monthly_fee, percent),
        pack.clause("ha.availability_credit"),
    )


@dataclass(frozen=True)
class CappedCredits:
    requested: Decimal
    granted: Decimal
    capped: bool
    clause: ClauseRef


def cap_monthly_credits(
    credits: Iterable[Decimal], monthly_fee: Decimal, pack: Pack
) -> CappedCredits:
    """A month's credits never exceed that month's fee of the affected services."""
    requested = to_cents(sum((to_cents(c) for c in credits), Decimal(0)))
    ceiling = _share(monthly_fee, pack.percent("credits.monthly_cap"))
    granted = min(requested, ceiling)
    return CappedCredits(
        requested, granted, granted < requested, pack.clause("credits.monthly_cap")
    )


# -- Support tickets (art. 5) -----------------------------------------------------------


@dataclass(frozen=True)
class TicketAck:
    received_at: datetime
    deadline: datetime
    clause: ClauseRef

    def is_breached(self, human_reply_at: datetime | None, now: datetime) -> bool:
        """Late if no human reply by the deadline; an automatic reply is not a reply."""
        if human_reply_at is not None:
            return _aware(human_reply_at, "human_reply_at") > self.deadline
        return _aware(now, "now") > self.deadline


def ticket_ack_deadline(
    received_at: datetime, pack: Pack, calendar: Calendar | None = None
) -> TicketAck:
    """A ticket is taken into account within 1 business hour (support runs in HO only)."""
    received_at = _aware(received_at, "received_at")
    calendar = calendar or office_calendar(pack)
    deadline = calendar.add(received_at, pack.business_duration("support.ticket_ack"))
    return TicketAck(received_at, deadline, pack.clause("support.ticket_ack"))


# -- Emergency quota and overage (art. 8.1, art. 5) -------------------------------------


@dataclass(frozen=True)
class EmergencyQuota:
    year_start: date
    year_end: date
    quota: int
    used_before: int  # emergencies on this server earlier in the same contract year
    within_quota: bool  # whether the new emergency is covered by the fee
    clause: ClauseRef


def emergency_quota(
    contract_start: date, previous: Iterable[date], requested_on: date, pack: Pack
) -> EmergencyQuota:
    """Is a new emergency on one server within its 4 per contract year?"""
    first, last = contract_year_bounds(contract_start, requested_on)
    used = sum(1 for day in previous if first <= day <= last and day <= requested_on)
    quota = pack.count("emergency.yearly_quota")
    return EmergencyQuota(
        first, last, quota, used, used < quota, pack.clause("emergency.yearly_quota")
    )


@dataclass(frozen=True)
class EmergencyOverage:
    billed: timedelta  # whole minutes: a started minute is not billed
    hourly_rate: Decimal
    amount: Decimal  # euros HT
    clause: ClauseRef


def emergency_overage(
    duration: timedelta, pack: Pack, rate: Decimal | None = None
) -> EmergencyOverage:
    """Price of an emergency beyond the quota: hourly rate pro rata to the minute.

    `rate` is the one the client agreed to, when it was quoted (never above the pack's).
    """
    if duration < _ZERO:
        raise ValueError("duration must not be negative")
    increment = pack.duration("emergency.overage_increment")
    billed = (duration // increment) * increment
    rate = pack.amount("emergency.overage_hourly_rate") if rate is None else _fee(rate)
    minutes = Decimal(billed // _MINUTE)
    amount = to_cents(rate * minutes / Decimal(60))
    return EmergencyOverage(billed, rate, amount, pack.clause("emergency.overage_hourly_rate"))


def overage_needs_agreement(pack: Pack) -> bool:
    """Pack 1.1: an emergency beyond the quota is billable only "après accord du Client"
    (art. 5), recorded with who, when and the quoted rate; 1.0 billed it without one."""
    return _reading(pack, "emergency.overage_requires_agreement")


@dataclass(frozen=True)
class BillableOverage:
    worked: timedelta  # time worked on the intervention, idle pauses excluded
    covered_part: timedelta  # the first two hours of work
    beyond_part: timedelta  # work past the two hours
    billable: timedelta  # what may be billed, given the client's recorded agreements
    clause: ClauseRef


def _worked_between(start: datetime, end: datetime, idle: list[Pause]) -> timedelta:
    if start >= end:
        return _ZERO
    return end - start - _union_within(idle, start, end)


def _covered_until(started_at: datetime, covered: timedelta, idle: list[Pause]) -> datetime:
    """The instant the covered hours of work run out, idle pauses pushing it later."""
    until = started_at + covered
    for _ in range(len(idle) + 1):
        later = started_at + covered + _union_within(idle, started_at, until)
        if later == until:
            break
        until = later
    return until


def billable_overage(
    started_at: datetime,
    ended_at: datetime,
    pack: Pack,
    *,
    idle: Iterable[Pause] = (),
    within_quota: bool,
    agreed_at: datetime | None = None,
    quote_accepted_at: datetime | None = None,
) -> BillableOverage:
    """How much of an intervention may be billed at the overage rate (art. 5, 8.1).

    The first two hours of an emergency beyond the quota are billable once the client
    agreed (pack 1.1; 1.0 billed them without agreement); work past two hours only once
    the client accepted a quote (art. 3.3, 5). Only work done after the agreement
    counts, in the part it covers: an agreement given mid-intervention does not reach
    back, and a quote accepted late covers only the work past two hours done after it.
    """
    started_at, ended_at = _aware(started_at, "started_at"), _aware(ended_at, "ended_at")
    ended_at = max(ended_at, started_at)
    idle = list(idle)
    worked = _worked_between(started_at, ended_at, idle)
    covered = pack.duration("intervention.covered_duration")
    covered_end = min(_covered_until(started_at, covered, idle), ended_at)
    covered_part = _worked_between(started_at, covered_end, idle)
    beyond_part = worked - covered_part
    needs_agreement = overage_needs_agreement(pack)
    billable = _ZERO
    if not within_quota:
        if not needs_agreement:
            billable += covered_part
        elif agreed_at is not None:
            since = max(_aware(agreed_at, "agreed_at"), started_at)
            billable += _worked_between(since, covered_end, idle)
    if quote_accepted_at is not None and (not within_quota or needs_agreement):
        since = max(_aware(quote_accepted_at, "quote_accepted_at"), covered_end)
        billable += _worked_between(since, ended_at, idle)
    key = (
        "emergency.overage_requires_agreement"
        if needs_agreement
        else "emergency.overage_hourly_rate"
    )
    return BillableOverage(worked, covered_part, beyond_part, billable, pack.clause(key))


@dataclass(frozen=True)
class QuoteRequirement:
    covered_until: datetime  # when the covered two hours run out
    worked: timedelta
    quote_required: bool  # work may not continue without an accepted quote
    billable: timedelta  # time beyond the covered hours, billable once a quote is accepted
    clause: ClauseRef


def quote_required_after_two_hours(
    started_at: datetime, now: datetime, pack: Pack, *, quote_accepted: bool = False
) -> QuoteRequirement:
    """Two hours per intervention are covered; beyond, only with an accepted quote."""
    started_at, now = _aware(started_at, "started_at"), _aware(now, "now")
    covered = pack.duration("intervention.covered_duration")
    worked = max(now - started_at, _ZERO)
    beyond = max(worked - covered, _ZERO)
    return QuoteRequirement(
        started_at + covered,
        worked,
        worked >= covered and not quote_accepted,
        beyond if quote_accepted else _ZERO,
        pack.clause("intervention.covered_duration"),
    )


# -- Monitoring alerts and escalation (art. 3.2) ----------------------------------------


@dataclass(frozen=True)
class Escalation:
    at: datetime
    clause: ClauseRef


def escalation_time(sent_at: datetime, pack: Pack) -> Escalation:
    """An alert not acknowledged by the provider within 30 minutes goes to on-call."""
    at = _aware(sent_at, "sent_at") + pack.duration("escalation.after")
    return Escalation(at, pack.clause("escalation.after"))


@dataclass(frozen=True)
class AlertDispatch:
    send_at: datetime  # when the alert e-mail goes to the client and the provider
    escalate_at: datetime  # to the engineers, if still unacknowledged (and still failing)
    deferred: bool  # the alert (1.0) or its escalation (1.1) waits for the next HO opening
    clause: ClauseRef


ALERTS_AT_ONCE = "alerts.sent_at_once"


def alert_dispatch(
    raised_at: datetime,
    service: str,
    critical: bool,
    pack: Pack,
    calendar: Calendar | None = None,
) -> AlertDispatch:
    """When an alert is sent and escalated, by the HO/HNO rule of art. 3.2.

    Pack 1.1 (`alerts.sent_at_once`): alert e-mails go to the client and the provider at
    once, 24x7, for every malfunction. Escalation to the engineers 30 minutes later applies
    to every service when it falls in HO; in HNO only HTTP and Ping ("les services
    critiques") are escalated, whatever their problem state; the others are escalated at
    the next HO opening if still failing.

    Pack 1.0 kept its reading: in HNO only critical alerts of the listed services are sent
    and escalated; the others, and an escalation falling in HNO, wait for the next opening.
    `critical` means a CRITICAL service or DOWN host hard state.
    """
    raised_at = _aware(raised_at, "raised_at")
    calendar = calendar or office_calendar(pack)
    delay = pack.duration("escalation.after")
    clause = pack.clause("escalation.hno_services")
    listed = service.strip().lower() in pack.texts("escalation.hno_services")
    if ALERTS_AT_ONCE in pack.entries and pack.flag(ALERTS_AT_ONCE):
        due = raised_at + delay
        escalate_at = due if listed else calendar.next_opening(due)
        return AlertDispatch(raised_at, escalate_at, escalate_at != due, clause)
    if critical and listed:
        return AlertDispatch(raised_at, raised_at + delay, False, clause)
    send_at = calendar.next_opening(raised_at)
    escalate_at = calendar.next_opening(send_at + delay)
    return AlertDispatch(send_at, escalate_at, send_at != raised_at, clause)


# -- Price revision (art. 8.2) ----------------------------------------------------------


@dataclass(frozen=True)
class SyntecIndex:
    value: Decimal
    month: date | None  # the month the value measures; None for the contract's own index
    series: str  # "old" before the August 2022 change, "new" from it
    published_on: date | None = None  # None: taken as published in its own month

    @property
    def known_from(self) -> date | None:
        return self.published_on or self.month


def syntec_index(
    value: Decimal, month: date, pack: Pack, published_on: date | None = None
) -> SyntecIndex:
    """An index as entered by staff; the series follows from its month."""
    if not isinstance(value, Decimal | int | str):
        raise TypeError("an index value must be Decimal, int or str, never float")
    new = month >= pack.date_of("indexation.series_change")
    return SyntecIndex(Decimal(value), month, "new" if new else "old", published_on)


def contract_syntec_index(pack: Pack) -> SyntecIndex:
    # 268.5 predates the 2022 change: new-series values start near 290.
    return SyntecIndex(pack.decimal("indexation.contract_index"), None, "old")


def _reading(pack: Pack, key: str) -> bool:
    """A reading a later pack version chose; absent from older versions (keep theirs)."""
    return key in pack.entries and pack.flag(key)


def revision_applies_from_anniversary(pack: Pack) -> bool:
    """Pack 1.1: the revised price applies from the anniversary itself, a period
    straddling it being split pro rata; pack 1.0 revised from the next period."""
    return _reading(pack, "indexation.applies_from_anniversary")


def latest_published_index(
    indices: Iterable[SyntecIndex], anniversary: date, pack: Pack
) -> SyntecIndex | None:
    """The "dernier indice publié" on the anniversary.

    Pack 1.1: the latest month among the indices published on or before the
    anniversary (an index published the day after is not yet the latest published).
    Pack 1.0 read the latest month up to the anniversary, published or not.
    """
    by_publication = _reading(pack, "indexation.latest_published")
    known = [
        index
        for index in indices
        if index.month is not None
        and index.month <= anniversary
        and (not by_publication or (index.known_from or anniversary) <= anniversary)
    ]
    return max(known, key=lambda index: index.month or anniversary, default=None)


@dataclass(frozen=True)
class SyntecRevision:
    current_amount: Decimal
    revised_amount: Decimal
    base: Decimal  # the two indices as compared: in the new series when theirs differ
    latest: Decimal
    clause: ClauseRef


def syntec_revision(
    current_amount: Decimal,
    latest: SyntecIndex,
    pack: Pack,
    base: SyntecIndex | None = None,
) -> SyntecRevision:
    """Revised = current amount x latest published index / index retained last time.

    `base` is the index the previous revision used (the contract index, 268.5, the first
    time): dividing an already revised amount by 268.5 again would count the same index
    variation twice, which C. mon. fin. L112-1 al. 2 deems unwritten — so this reading
    holds whatever the pack version. With an unchanged index the amount stays the same.
    An old-series index is carried into the new series by the link coefficient
    (new = old x 0.97975), so that the ratio never mixes the two series.
    """
    base = base or contract_syntec_index(pack)
    link = pack.decimal("indexation.link_coefficient")
    base_value, latest_value = base.value, latest.value
    if base.series == "old" and latest.series == "new":
        base_value = base_value * link
    elif base.series == "new" and latest.series == "old":
        latest_value = latest_value * link
    revised = to_cents(_fee(current_amount) * latest_value / base_value)
    return SyntecRevision(
        current_amount, revised, base_value, latest_value, pack.clause("indexation.contract_index")
    )


@dataclass(frozen=True)
class RevisionDate:
    on: date
    clause: ClauseRef


def next_revision_on(contract_start: date, on_or_after: date, pack: Pack) -> RevisionDate:
    """The next contract anniversary, when the annual amount is revised by right."""
    anniversary = anniversary_on_or_after(contract_start, on_or_after)
    return RevisionDate(anniversary, pack.clause("indexation.contract_index"))


# -- Billing periods and payment default (art. 8.3) -------------------------------------


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    clause: ClauseRef


def payment_quarter(day: date, pack: Pack) -> Period:
    """The calendar quarter holding `day` (January-March, April-June...)."""
    first, last = quarter_bounds(day)
    return Period(first, last, pack.clause("payment.quarter"))


@dataclass(frozen=True)
class PaymentDefault:
    due_on: date
    in_default: bool
    all_sums_due: bool  # default makes every remaining sum of the contract payable at once
    suspension_allowed: bool
    termination_allowed_from: date | None  # None until a formal notice was presented
    termination_allowed: bool
    clause: ClauseRef


def payment_default(
    due_on: date, paid_on: date | None, notice_presented_on: date | None, pack: Pack, now: datetime
) -> PaymentDefault:
    """What the provider may do about an unpaid invoice on `now`'s Paris date.

    Paying on the due date is on time. Suspension needs no formal notice. Termination
    comes "fifteen days after" the registered letter's first presentation; the délai
    ends at the end of its fifteenth day (Code de procédure civile art. 642), so the
    provider may terminate from the sixteenth.
    """
    today = _paris_day(_aware(now, "now"))
    in_default = today > due_on and (paid_on is None or paid_on > today)
    termination_from = None
    if notice_presented_on is not None:
        days = pack.days("payment.termination_after_notice")
        termination_from = notice_presented_on + timedelta(days=days + 1)
    suspension = in_default and pack.flag("payment.default_suspension")
    can_terminate = in_default and termination_from is not None and today >= termination_from
    return PaymentDefault(
        due_on,
        in_default,
        in_default,
        suspension,
        termination_from,
        can_terminate,
        pack.clause("payment.termination_after_notice"),
    )


# -- Force majeure (art. 7, art. 9) -----------------------------------------------------


@dataclass(frozen=True)
class ForceMajeureRight:
    right_from: datetime
    available: bool
    clause: ClauseRef


def force_majeure_termination(
    notified_at: datetime, ended_at: datetime | None, pack: Pack, now: datetime
) -> ForceMajeureRight:
    """Either party may terminate once the effects last more than 30 days from notice.

    Counted in whole Paris days from the day after notification: the right opens at
    midnight ending the 30th day, and only while the event still lasts.
    """
    notified_day = _paris_day(_aware(notified_at, "notified_at"))
    days = pack.days("force_majeure.termination_after")
    right_from = _paris_midnight(notified_day + timedelta(days=days + 1))
    now = _aware(now, "now")
    lasting = ended_at is None or _aware(ended_at, "ended_at") > right_from
    return ForceMajeureRight(
        right_from,
        lasting and now >= right_from,
        pack.clause("force_majeure.termination_after"),
    )


# -- Reversibility (art. 16) ------------------------------------------------------------


@dataclass(frozen=True)
class Reversibility:
    notice_by: date  # the client announces it on or before this date
    period_start: date | None  # None while invoices remain unpaid
    delivery_by: date | None
    continuity_until: date  # takeover date, capped at 90 days after the service ends
    clause: ClauseRef

    def notice_in_time(self, given_on: date) -> bool:
        """ "At least three months before the end": the last day counts as in time."""
        return given_on <= self.notice_by


def reversibility_dates(
    service_end: date,
    pack: Pack,
    *,
    all_paid_on: date | None,
    takeover_on: date | None = None,
    calendar: Calendar | None = None,
) -> Reversibility:
    """Key dates of reversibility.

    The period starts at the end of the service once every invoice is paid (later if
    payment comes later); deliverables are due ten working days after it starts.
    """
    calendar = calendar or office_calendar(pack)
    notice_by = add_months(service_end, -pack.months("reversibility.notice"))
    start = max(service_end, all_paid_on) if all_paid_on is not None else None
    delivery = (
        calendar.add_working_days(start, pack.business_days("reversibility.delivery"))
        if start
        else None
    )
    latest = service_end + timedelta(days=pack.days("reversibility.continuity_max"))
    continuity = min(takeover_on, latest) if takeover_on else latest
    return Reversibility(
        notice_by, start, delivery, continuity, pack.clause("reversibility.notice")
    )


# -- Personal data (Annexe 3) -----------------------------------------------------------


@dataclass(frozen=True)
class DataPurge:
    purge_on: date
    due: bool
    clause: ClauseRef


def data_purge_date(last_activity_on: date, pack: Pack, now: datetime) -> DataPurge:
    """Personal data of a client inactive for 24 months is deleted at the end of them."""
    purge_on = add_months(last_activity_on, pack.months("privacy.inactivity_purge"))
    due = _paris_day(_aware(now, "now")) >= purge_on
    return DataPurge(purge_on, due, pack.clause("privacy.inactivity_purge"))
