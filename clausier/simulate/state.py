"""What the simulator remembers between events: plain in-memory records.

These stand in for the rows DB-backed services will keep (requests, tickets, sessions,
invoices...). Handlers own the transitions; the records only hold facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from clausier.monitoring.statemachine import CheckState
from clausier.monitoring.windows import WeeklyWindow
from clausier.terms.rules.coaching_training import AnnouncedIncrease
from clausier.terms.rules.managed_hosting import (
    EmergencyQuota,
    GtiDeadline,
    Pause,
    SyntecIndex,
    TicketAck,
)

# -- managed hosting ----------------------------------------------------------------------


@dataclass
class Emergency:
    id: str
    server: str
    monthly_fee: Decimal
    blocking: bool
    full_backup_option: bool
    requested_at: datetime
    gti: GtiDeadline
    quota: EmergencyQuota
    started_at: datetime | None = None
    pauses: list[Pause] = field(default_factory=list)
    paused_since: tuple[datetime, str] | None = None
    restored_at: datetime | None = None
    ended_at: datetime | None = None
    # The client's recorded agreements (art. 5): to an extra emergency, to a quote for
    # work past the covered two hours.
    agreed_at: datetime | None = None
    quote_accepted_at: datetime | None = None
    channel: str = "portal"
    confirmed_at: datetime | None = None  # a phone request's written confirmation


@dataclass
class Ticket:
    id: str
    ack: TicketAck
    acknowledged_at: datetime | None = None


@dataclass
class MonthCredits:
    """Credits of one server or service for one month, before the cap."""

    monthly_fee: Decimal
    fee_line: int
    amounts: list[Decimal] = field(default_factory=list)
    granted: Decimal = Decimal(0)  # what fitted under the fee, credit by credit
    last_at: datetime | None = None


@dataclass
class HostingState:
    emergencies: dict[str, Emergency] = field(default_factory=dict)
    request_days: dict[str, list[date]] = field(default_factory=dict)  # server -> days
    tickets: dict[str, Ticket] = field(default_factory=dict)
    credits: dict[tuple[str, date], MonthCredits] = field(default_factory=dict)
    advice: dict[str, list[timedelta]] = field(default_factory=dict)  # server -> sessions
    syntec_indices: list[SyntecIndex] = field(default_factory=list)
    # The index and amount of the last revision: the next one divides by that index.
    retained_index: SyntecIndex | None = None
    revised_amount: Decimal | None = None


# -- coaching & training ------------------------------------------------------------------


@dataclass
class Session:
    id: str
    starts_at: datetime
    status: str = "scheduled"  # scheduled | postponed | cancelled


@dataclass
class Training:
    id: str
    starts_at: datetime
    price_ht: Decimal
    status: str = "scheduled"  # scheduled | cancelled
    opco_requested: Decimal | None = None
    opco_settled: bool = False
    # The training app's split billing (optional in a scenario): hours per participant,
    # the agreement's amount and instant, and whether the split invoices were issued.
    hours: Decimal | None = None
    half_day_minutes: Decimal = Decimal(210)
    covered_ht: Decimal | None = None
    agreement_at: datetime | None = None
    split_at: datetime | None = None
    opco_invoiced_ht: Decimal = Decimal(0)
    opco_invoiced_hours: Decimal = Decimal(0)


@dataclass
class TrainingEnrolment:
    """A participant of a training and what they did: minutes per half-day, modules."""

    id: str
    training: str
    participant: str
    half_days: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    modules: dict[str, Decimal] = field(default_factory=dict)
    enrolled_at: datetime | None = None
    # Days of e-learning access added by interruptions (art. 7.3 / 7.4).
    extended_days: int = 0


@dataclass
class Subscription:
    id: str
    instalment_ht: Decimal
    periodicity: str
    start: date | None = None
    notice_given: bool = False
    ends_on: date | None = None  # the first day without contract, once notice is given
    pending_increase: AnnouncedIncrease | None = None  # art. 8.1, announced, not applied
    new_instalment_ht: Decimal | None = None  # the announced price


@dataclass
class AppMaintenance:
    """An accepted maintenance of the application (art. 7.4) and the access days it
    granted each enrolment (withdrawn if it is called off before it starts)."""

    id: str
    starts_at: datetime
    ends_at: datetime
    granted: dict[str, int] = field(default_factory=dict)  # enrolment id -> days
    cancelled_at: datetime | None = None


@dataclass
class CoachingState:
    sessions: dict[str, Session] = field(default_factory=dict)
    trainings: dict[str, Training] = field(default_factory=dict)
    enrolments: dict[str, TrainingEnrolment] = field(default_factory=dict)
    subscriptions: dict[str, Subscription] = field(default_factory=dict)
    maintenances: dict[str, AppMaintenance] = field(default_factory=dict)


# -- invoices (both service lines) --------------------------------------------------------


@dataclass
class Invoice:
    id: str
    issued_at: datetime
    amount_ttc: Decimal
    due_on: date
    paid_at: datetime | None = None  # when fully paid
    disputed: bool = False
    payments: list[tuple[date, Decimal]] = field(default_factory=list)  # day, amount incl. VAT

    @property
    def unpaid(self) -> Decimal:
        return self.amount_ttc - sum((paid for _day, paid in self.payments), Decimal(0))


@dataclass
class BillingState:
    invoices: dict[str, Invoice] = field(default_factory=dict)
    ecb_rates: list[tuple[date, Decimal]] = field(default_factory=list)


# -- monitoring (art. 3.2, 6, 14) -----------------------------------------------------------


@dataclass
class Escalation:
    due: datetime
    problem_at: datetime
    clause: object


@dataclass
class WatchedService:
    """A service_defined: its configuration and the state machine's state."""

    id: str
    server: str
    check: str
    max_check_attempts: int
    check_interval: int
    retry_interval: int
    escalate_in_hno: bool
    state: CheckState = field(default_factory=CheckState)
    hard_history: list[tuple[datetime, bool]] = field(default_factory=list)  # at, problem
    problem_at: datetime | None = None  # the open problem's hard change
    problem_recipients: list[str] | None = None  # who got the problem alert
    acknowledged: bool = False
    escalation: Escalation | None = None


@dataclass
class Window:
    server: str
    start: datetime
    end: datetime
    ended: bool = False


@dataclass
class MonitoringState:
    services: dict[str, WatchedService] = field(default_factory=dict)
    downtimes: list[Window] = field(default_factory=list)
    # The client's declared windows per server (art. 6), as `monitoring.windows` holds them.
    maintenance_windows: dict[str, list[WeeklyWindow]] = field(default_factory=dict)
