"""When a HARD problem is escalated to the on-call engineers (art. 3.2): pure, shared by
the monitor (`services.results`) and the simulator (`simulate.monitoring`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from clausier.core.businesstime import Calendar
from clausier.core.clauses import ClauseRef
from clausier.terms.packs import Pack
from clausier.terms.rules.managed_hosting import alert_dispatch


def critical_kinds(pack: Pack) -> set[str]:
    """The "services critiques" of art. 3.2 (escalated in HNO): the pack lists them."""
    return {name.strip().lower() for name in pack.texts("escalation.hno_services")}


@dataclass(frozen=True)
class EscalationDue:
    due: datetime
    deferred: bool  # waits for the next office-hours opening
    clause: ClauseRef


def escalation_due(
    raised_at: datetime,
    kind: str,
    critical: bool,
    pack: Pack,
    calendar: Calendar,
    *,
    escalate_in_hno: bool = False,
) -> EscalationDue:
    """30 minutes after the hard change; in HNO only the critical services (HTTP, Ping,
    and those staff marked `escalate_in_hno`), the others at the next opening. The flag
    adds services to the contract's list, never removes one."""
    dispatch = alert_dispatch(raised_at, kind, critical, pack, calendar)
    if escalate_in_hno and kind not in critical_kinds(pack):
        return EscalationDue(raised_at + pack.duration("escalation.after"), False, dispatch.clause)
    return EscalationDue(dispatch.escalate_at, dispatch.deferred, dispatch.clause)
