"""Managed-hosting events: emergencies (GTI, GTR, quota), tickets, availability, SYNTEC."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from clausier.core.businesstime import Calendar
from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, amount, day, instant, minutes, month, percent
from clausier.simulate.state import Emergency, MonthCredits, Ticket
from clausier.support.clock import (
    advice_balance,
    grant_within_cap,
    gti_outcome,
    gtr_outcome,
    pauses_until,
    ticket_clock,
)
from clausier.terms.packs import Pack
from clausier.terms.rules.managed_hosting import (
    Pause,
    alert_dispatch,
    billable_overage,
    cap_monthly_credits,
    emergency_overage,
    emergency_quota,
    gti_deadline,
    ha_credit,
    latest_published_index,
    office_calendar,
    revision_applies_from_anniversary,
    syntec_index,
    syntec_revision,
    ticket_ack_deadline,
)

_ZERO = timedelta(0)
# Paused for parts a third party replaces: the provider is not working, so it is neither
# counted in GTR (art. 14) nor billed as overage time (art. 8.1, read against the drafter).
_NOT_WORKED = "third_party_parts"


def _contract_zone(pack: Pack) -> ZoneInfo:
    return office_calendar(pack).tz


def _office_hours(context: Context) -> Calendar:
    """The provider's office hours: its seat's holidays, never the client's (art. 2, 5)."""
    return office_calendar(context.pack, context.scenario.seat)


def _contract_day(pack: Pack, at: datetime) -> date:
    return at.astimezone(_contract_zone(pack)).date()


def _contract_start(context: Context) -> date:
    """`contract_start` from the scenario, else the contract day of the first event."""
    scenario = context.scenario
    if scenario.contract_start is not None:
        return scenario.contract_start
    return _contract_day(scenario.pack, scenario.events[0].at)


def _register_fee(context: Context, event: Event, name: str, first_day: date) -> MonthCredits:
    fee = event.decimal("monthly_fee")
    key = (name, first_day)
    known = context.hosting.credits.get(key)
    if known is None:
        known = context.hosting.credits[key] = MonthCredits(fee, event.lines["monthly_fee"])
    elif known.monthly_fee != fee:
        raise event.error(
            "monthly_fee",
            f"{name} already has a monthly fee of {amount(known.monthly_fee)} for "
            f"{month(first_day)} (line {known.fee_line}); one fee per service and month",
        )
    return known


def _add_credit(context: Context, name: str, first_day: date, credit: Decimal) -> None:
    """Granted as the support desk grants it (`support.clock.grant_within_cap`): per
    server and month, in arrival order, up to the server's fee (art. 14)."""
    month_credits = context.hosting.credits[(name, first_day)]
    grant = grant_within_cap(month_credits.granted, credit, month_credits.monthly_fee, context.pack)
    month_credits.amounts.append(credit)
    month_credits.granted += grant.granted
    month_credits.last_at = context.now


def _emergency(context: Context, event: Event) -> Emergency:
    return context.hosting.emergencies[event.text("request")]


def _request_month(context: Context, emergency: Emergency) -> date:
    return _contract_day(context.pack, emergency.requested_at).replace(day=1)


# -- emergencies ----------------------------------------------------------------------------


def emergency_request(context: Context, event: Event) -> None:
    pack, now = context.pack, context.now
    server = event.text("server")
    start = _contract_start(context)
    requested_on = _contract_day(pack, now)
    if requested_on < start:
        raise event.error("at", f"is before the contract start {start.isoformat()}")
    previous = context.hosting.request_days.setdefault(server, [])
    quota = emergency_quota(start, previous, requested_on, pack)
    previous.append(requested_on)
    emergency = Emergency(
        id=event.id,
        server=server,
        monthly_fee=event.decimal("monthly_fee"),
        blocking=event.flag("blocking"),
        full_backup_option=event.flag("full_backup_option"),
        requested_at=now,
        gti=gti_deadline(now, pack, _office_hours(context)),
        quota=quota,
        channel=event.text("channel"),
        confirmed_at=None if event.text("channel") == "phone" else now,
    )
    _register_fee(context, event, server, requested_on.replace(day=1))
    context.hosting.emergencies[emergency.id] = emergency


def _emit_gti(context: Context, emergency: Emergency) -> None:
    credit = gti_outcome(
        emergency.gti, emergency.started_at, emergency.monthly_fee, context.pack, context.now
    )
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "server": emergency.server,
        "requested_at": instant(emergency.requested_at, zone),
        "in_office_hours": emergency.gti.in_office_hours,
        "due": instant(emergency.gti.deadline, zone),
        "due_clause": emergency.gti.clause.short,
        "started_at": instant(emergency.started_at, zone) if emergency.started_at else None,
        "late_minutes": minutes(credit.measured),
        "credit_percent": percent(credit.percent),
        "credit_amount": amount(credit.amount),
    }
    context.emit("gti", emergency.id, credit.clause, fields)
    _add_credit(context, emergency.server, _request_month(context, emergency), credit.amount)


def intervention_start(context: Context, event: Event) -> None:
    emergency = _emergency(context, event)
    if emergency.started_at is not None:
        raise event.error("request", f"{emergency.id} was already started")
    emergency.started_at = context.now
    _emit_gti(context, emergency)


def _require_running(event: Event, emergency: Emergency) -> None:
    if emergency.started_at is None:
        raise event.error("request", f"{emergency.id} has not started (intervention_start)")
    if emergency.ended_at is not None:
        raise event.error("request", f"{emergency.id} has already ended")


def intervention_pause(context: Context, event: Event) -> None:
    emergency = _emergency(context, event)
    _require_running(event, emergency)
    if emergency.paused_since is not None:
        raise event.error("request", f"{emergency.id} is already paused")
    if emergency.restored_at is not None:
        raise event.error("request", f"{emergency.id}'s service is already restored")
    emergency.paused_since = (context.now, event.text("reason"))


def _close_pause(context: Context, emergency: Emergency) -> None:
    if emergency.paused_since is not None:
        since, reason = emergency.paused_since
        emergency.pauses.append(Pause(since, context.now, reason))
        emergency.paused_since = None


def intervention_resume(context: Context, event: Event) -> None:
    emergency = _emergency(context, event)
    _require_running(event, emergency)
    if emergency.paused_since is None:
        raise event.error("request", f"{emergency.id} is not paused")
    _close_pause(context, emergency)


def _emit_gtr(context: Context, emergency: Emergency) -> None:
    assert emergency.started_at is not None
    credit = gtr_outcome(
        emergency.started_at,
        emergency.restored_at,
        emergency.monthly_fee,
        context.pack,
        context.now,
        pauses=pauses_until(emergency.pauses, emergency.paused_since, context.now),
        full_backup=emergency.full_backup_option,
        blocking=emergency.blocking,
    )
    zone = context.scenario.zone
    restored = emergency.restored_at
    fields: dict[str, JsonValue] = {
        "server": emergency.server,
        "started_at": instant(emergency.started_at, zone),
        "restored_at": instant(restored, zone) if restored else None,
        "eligible": credit.eligible,
        "elapsed_minutes": minutes(credit.elapsed),
        "excluded_minutes": minutes(credit.elapsed - credit.counted),
        "restore_minutes": minutes(credit.counted),
        "credit_percent": percent(credit.percent),
        "credit_amount": amount(credit.amount),
    }
    context.emit("gtr", emergency.id, credit.clause, fields)
    _add_credit(context, emergency.server, _request_month(context, emergency), credit.amount)


def service_restored(context: Context, event: Event) -> None:
    emergency = _emergency(context, event)
    if emergency.started_at is None:
        raise event.error("request", f"{emergency.id} has not started (intervention_start)")
    if emergency.restored_at is not None:
        raise event.error("request", f"{emergency.id}'s service is already restored")
    _close_pause(context, emergency)
    emergency.restored_at = context.now
    _emit_gtr(context, emergency)


def _emit_overage(context: Context, emergency: Emergency) -> None:
    assert emergency.started_at is not None
    end = emergency.ended_at or context.now
    pauses = list(emergency.pauses)
    if emergency.paused_since is not None:
        pauses.append(Pause(emergency.paused_since[0], end, emergency.paused_since[1]))
    idle = [p for p in pauses if p.reason == _NOT_WORKED]
    # Billable only what the client agreed to (art. 5; pack 1.1 for the extra emergency
    # itself) and, past the covered hours, what an accepted quote covers (art. 3.3).
    billable = billable_overage(
        emergency.started_at,
        end,
        context.pack,
        idle=idle,
        within_quota=emergency.quota.within_quota,
        agreed_at=emergency.agreed_at,
        quote_accepted_at=emergency.quote_accepted_at,
    )
    overage = emergency_overage(billable.billable, context.pack)
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "server": emergency.server,
        "contract_year": [day(emergency.quota.year_start), day(emergency.quota.year_end)],
        "number_in_year": emergency.quota.used_before + 1,
        "yearly_quota": emergency.quota.quota,
        "ended_at": instant(emergency.ended_at, zone) if emergency.ended_at else None,
        "worked_minutes": minutes(billable.worked),
        "agreed_at": instant(emergency.agreed_at, zone) if emergency.agreed_at else None,
        "quote_accepted_at": (
            instant(emergency.quote_accepted_at, zone) if emergency.quote_accepted_at else None
        ),
        "billed_minutes": minutes(overage.billed),
        "hourly_rate": amount(overage.hourly_rate),
        "amount": amount(overage.amount),
    }
    clause = overage.clause if billable.billable else billable.clause
    context.emit("emergency_overage", emergency.id, clause, fields)


def _overage_possible(emergency: Emergency) -> bool:
    return not emergency.quota.within_quota or emergency.quote_accepted_at is not None


def intervention_end(context: Context, event: Event) -> None:
    emergency = _emergency(context, event)
    _require_running(event, emergency)
    _close_pause(context, emergency)
    emergency.ended_at = context.now
    if _overage_possible(emergency):
        _emit_overage(context, emergency)


def client_agreement(context: Context, event: Event) -> None:
    _agree(context, event, event.text("scope"))


def overage_agreed(context: Context, event: Event) -> None:
    """The client's agreement to an emergency beyond the quota (art. 5, 8.1)."""
    _agree(context, event, "extra_emergency")


def _agree(context: Context, event: Event, scope: str) -> None:
    emergency = _emergency(context, event)
    if emergency.ended_at is not None:
        raise event.error("request", f"{emergency.id} has already ended")
    if scope == "extra_emergency":
        if emergency.quota.within_quota:
            raise event.error(
                "scope", f"{emergency.id} is within the yearly quota: nothing to agree to"
            )
        if emergency.agreed_at is not None:
            raise event.error("scope", f"{emergency.id} was already agreed to")
        emergency.agreed_at = context.now
    else:
        if emergency.quote_accepted_at is not None:
            raise event.error("scope", f"{emergency.id}'s quote was already accepted")
        emergency.quote_accepted_at = context.now


def request_confirmed(context: Context, event: Event) -> None:
    """A phone request confirmed in writing (art. 5); its clock started at the call."""
    emergency = _emergency(context, event)
    if emergency.channel != "phone":
        raise event.error("request", f"{emergency.id} was not made by phone: it is written")
    if emergency.confirmed_at is not None:
        raise event.error("request", f"{emergency.id} was already confirmed")
    emergency.confirmed_at = context.now
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "server": emergency.server,
        "contacted_at": instant(emergency.requested_at, zone),
        "confirmed_at": instant(context.now, zone),
        "gti_due": instant(emergency.gti.deadline, zone),
    }
    context.emit("request_confirmation", emergency.id, emergency.gti.clause, fields)


def advice_logged(context: Context, event: Event) -> None:
    """Advice time used on a server, against 30 minutes a month, cumulative (art. 3.4)."""
    server = event.text("server")
    used = context.hosting.advice.setdefault(server, [])
    minutes_used = event.values["minutes"]
    assert isinstance(minutes_used, int)
    used.append(timedelta(minutes=minutes_used))
    start = _contract_start(context)
    today = _contract_day(context.pack, context.now)
    if today < start:
        raise event.error("at", f"is before the contract start {start.isoformat()}")
    balance = advice_balance(start, today, used, context.pack)
    fields: dict[str, JsonValue] = {
        "logged_minutes": minutes_used,
        "earned_minutes": minutes(balance.earned),
        "used_minutes": minutes(balance.used),
        "balance_minutes": minutes(balance.balance),
        "beyond_balance": balance.balance < _ZERO,
    }
    context.emit("advice_balance", server, balance.clause, fields)


# -- tickets, availability, revision --------------------------------------------------------


def alert_raised(context: Context, event: Event) -> None:
    """Art. 3.2: when the alert e-mail goes out and when it is escalated if unacknowledged."""
    service = event.text("service")
    dispatch = alert_dispatch(context.now, service, event.flag("critical"), context.pack)
    zone = context.scenario.zone
    fields: dict[str, JsonValue] = {
        "service": service,
        "raised_at": instant(context.now, zone),
        "sent_at": instant(dispatch.send_at, zone),
        "escalate_at": instant(dispatch.escalate_at, zone),
        "deferred": dispatch.deferred,
    }
    context.emit("alert", event.id, dispatch.clause, fields)


def ticket_opened(context: Context, event: Event) -> None:
    ack = ticket_ack_deadline(context.now, context.pack, _office_hours(context))
    context.hosting.tickets[event.id] = Ticket(event.id, ack)


def _emit_ticket(context: Context, ticket: Ticket) -> None:
    clock = ticket_clock(
        ticket.ack.received_at,
        ticket.acknowledged_at,
        context.pack,
        _office_hours(context),
        context.now,
    )
    zone = context.scenario.zone
    acknowledged = clock.acknowledged_at
    fields: dict[str, JsonValue] = {
        "received_at": instant(clock.received_at, zone),
        "due": instant(clock.deadline, zone),
        "acknowledged_at": instant(acknowledged, zone) if acknowledged else None,
        "late_minutes": minutes(clock.late_by),
        "breached": clock.breached,
    }
    context.emit("ticket_ack", ticket.id, clock.clause, fields)


def ticket_acknowledged(context: Context, event: Event) -> None:
    ticket = context.hosting.tickets[event.text("ticket")]
    if ticket.acknowledged_at is not None:
        raise event.error("ticket", f"{ticket.id} was already acknowledged")
    ticket.acknowledged_at = context.now
    _emit_ticket(context, ticket)


def ha_availability(context: Context, event: Event) -> None:
    service, first_day = event.text("service"), event.day("month")
    _register_fee(context, event, service, first_day)
    credit = ha_credit(event.decimal("percent"), event.decimal("monthly_fee"), context.pack)
    fields: dict[str, JsonValue] = {
        "month": month(first_day),
        "availability_percent": percent(credit.availability),
        "credit_percent": percent(credit.percent),
        "credit_amount": amount(credit.amount),
    }
    context.emit("ha_credit", service, credit.clause, fields)
    _add_credit(context, service, first_day, credit.amount)


def syntec(context: Context, event: Event) -> None:
    published_on = event.values["published_on"]
    assert published_on is None or isinstance(published_on, date)
    month_day = event.day("month")
    if published_on is not None and published_on < month_day:
        raise event.error("published_on", f"is before the month it measures ({month(month_day)})")
    index = syntec_index(event.decimal("value"), month_day, context.pack, published_on)
    if index.series != event.text("series"):
        change = context.pack.date_of("indexation.series_change")
        raise event.error(
            "series",
            f"an index for {month(event.day('month'))} is in the {index.series} series "
            f"(the series changed in {month(change)})",
        )
    # A later entry for the same month corrects the earlier one, as staff entries do.
    context.hosting.syntec_indices = [
        known for known in context.hosting.syntec_indices if known.month != index.month
    ] + [index]


def anniversary_revision(context: Context, event: Event) -> None:
    hosting = context.hosting
    anniversary = _contract_day(context.pack, context.now)
    latest = latest_published_index(hosting.syntec_indices, anniversary, context.pack)
    if not hosting.syntec_indices:
        raise event.error("type", "an anniversary_revision needs a syntec_index event before it")
    if latest is None or latest.month is None:
        raise event.error("at", f"no syntec_index was published on or before {day(anniversary)}")
    current = event.values["amount"]
    if current is None:
        current = hosting.revised_amount
        if current is None:
            raise event.error("amount", "is required for the first revision")
    assert isinstance(current, Decimal)
    # The base is the index the previous revision retained (268.5 the first time).
    revision = syntec_revision(current, latest, context.pack, hosting.retained_index)
    hosting.retained_index, hosting.revised_amount = latest, revision.revised_amount
    fields: dict[str, JsonValue] = {
        "current_amount": amount(revision.current_amount),
        "index_month": month(latest.month),
        "index_series": latest.series,
        "index_published_on": day(latest.published_on) if latest.published_on else None,
        "latest_index": percent(revision.latest),
        "base_index": percent(revision.base),
        "revised_amount": amount(revision.revised_amount),
        "applies_from_anniversary": revision_applies_from_anniversary(context.pack),
    }
    context.emit("revision", event.id, revision.clause, fields)


# -- the end of the scenario ----------------------------------------------------------------


def finish(context: Context) -> None:
    """Settle what is still open: unstarted GTI, unrestored GTR, unanswered tickets, caps."""
    for emergency in context.hosting.emergencies.values():
        if emergency.started_at is None:
            _emit_gti(context, emergency)
        elif emergency.restored_at is None and emergency.blocking and emergency.full_backup_option:
            _emit_gtr(context, emergency)
        if (
            emergency.started_at is not None
            and emergency.ended_at is None
            and _overage_possible(emergency)
        ):
            _emit_overage(context, emergency)
    for ticket in context.hosting.tickets.values():
        if ticket.acknowledged_at is None:
            _emit_ticket(context, ticket)
    for (name, first_day), credits in context.hosting.credits.items():
        if not any(credits.amounts):
            continue
        capped = cap_monthly_credits(credits.amounts, credits.monthly_fee, context.pack)
        fields: dict[str, JsonValue] = {
            "month": month(first_day),
            "monthly_fee": amount(credits.monthly_fee),
            "requested_amount": amount(capped.requested),
            # The sum of the grants the support desk would have made, one credit at a time.
            "capped_amount": amount(credits.granted),
            "capped": capped.capped,
        }
        assert credits.last_at is not None
        context.emit("credit_cap", name, capped.clause, fields, at=credits.last_at)


HANDLERS: dict[str, Handler] = {
    "emergency_request": emergency_request,
    "intervention_start": intervention_start,
    "intervention_pause": intervention_pause,
    "intervention_resume": intervention_resume,
    "service_restored": service_restored,
    "intervention_end": intervention_end,
    "client_agreement": client_agreement,
    "overage_agreed": overage_agreed,
    "request_confirmed": request_confirmed,
    "advice_logged": advice_logged,
    "alert_raised": alert_raised,
    "ticket_opened": ticket_opened,
    "ticket_acknowledged": ticket_acknowledged,
    "ha_availability": ha_availability,
    "syntec_index": syntec,
    "anniversary_revision": anniversary_revision,
}
