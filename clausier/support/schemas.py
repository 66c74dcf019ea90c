"""API payloads of the support desk."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from clausier.apikit.schemas import StrictIn


class TicketIn(StrictIn):
    client_id: int
    server_id: int | None = None
    subject: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=50_000)


class ClockOut(Schema):
    """The acknowledgement clock (art. 5) as the ticket shows it."""

    deadline: datetime
    acknowledged_at: datetime | None
    taken_minutes: int
    late_minutes: int
    breached: bool
    clause: str


class TicketOut(Schema):
    id: int
    reference: str
    provider_id: int
    client_id: int
    server_id: int | None
    subject: str
    status: str
    channel: str
    assignee_id: int | None
    out_of_scope: bool
    received_at: datetime
    ack_due_at: datetime
    acknowledged_at: datetime | None
    ack_clause: str


class TicketDetailOut(TicketOut):
    clock: ClockOut


class MessageIn(StrictIn):
    body: str = Field(min_length=1, max_length=50_000)
    internal: bool = False


class AttachmentOut(Schema):
    id: int
    filename: str
    content_type: str
    size: int


class MessageOut(Schema):
    id: int
    ticket_id: int
    author_id: int | None
    from_staff: bool
    body: str
    internal: bool
    human: bool
    channel: str
    created_at: datetime
    attachments: list[AttachmentOut]


class StatusIn(StrictIn):
    status: str


class AssignIn(StrictIn):
    engineer_id: int | None = None


class ScopeIn(StrictIn):
    out_of_scope: bool = True


class EmergencyIn(StrictIn):
    server_id: int
    description: str = Field(min_length=1, max_length=10_000)
    channel: str = "portal"
    contacted_at: datetime | None = None  # the call's time, for a phone request
    blocking: bool = True


class PauseIn(StrictIn):
    reason: str


class CreditOut(Schema):
    kind: str
    month: datetime | str
    computed: Decimal
    granted: Decimal
    clause: str


class EmergencyOut(Schema):
    id: int
    reference: str
    provider_id: int
    client_id: int
    server_id: int
    channel: str
    description: str
    blocking: bool
    contacted_at: datetime
    confirmed_at: datetime | None
    gti_due_at: datetime
    gti_in_office_hours: bool
    gti_clause: str
    number_in_year: int
    within_quota: bool
    started_at: datetime | None
    restored_at: datetime | None
    ended_at: datetime | None
    worked_minutes: int | None
    fault: str
    fault_note: str
    fault_informed_at: datetime | None
    out_of_hours: bool
    out_of_hours_accepted_at: datetime | None


class GuaranteeOut(Schema):
    late_minutes: int
    percent: Decimal
    amount: Decimal
    clause: str
    eligible: bool = True


class EmergencyDetailOut(EmergencyOut):
    gti: GuaranteeOut
    gtr: GuaranteeOut | None
    credits: list[CreditOut]


class QuotaOut(Schema):
    server_id: int
    year_start: str
    year_end: str
    used: int
    quota: int
    clause: str


class AdviceIn(StrictIn):
    minutes: int = Field(ge=1, le=480)
    note: str = Field(default="", max_length=200)


class AdviceOut(Schema):
    server_id: int
    earned_minutes: int
    used_minutes: int
    balance_minutes: int
    clause: str


class FaultIn(StrictIn):
    """Art. 5 "Panne non imputable au serveur": client_mistake or not_servers."""

    fault: str = Field(min_length=1, max_length=16)
    note: str = Field(min_length=1, max_length=500)


class SlotIn(StrictIn):
    starts_at: datetime
    ends_at: datetime


class PlanIn(StrictIn):
    description: str = Field(min_length=1, max_length=5_000)
    slots: list[SlotIn] = Field(min_length=1, max_length=5)


class PlanAcceptIn(StrictIn):
    slot_id: int
    accept_out_of_hours: bool = False


class SlotOut(Schema):
    id: int
    starts_at: datetime
    ends_at: datetime
    out_of_hours: bool


class PlanOut(Schema):
    id: int
    reference: str
    provider_id: int
    client_id: int
    server_id: int
    description: str
    proposed_at: datetime
    clause: str
    accepted_slot_id: int | None
    accepted_at: datetime | None
    out_of_hours_accepted: bool
    slots: list[SlotOut]


class ReportTicketOut(Schema):
    """One ticket received in the month, its acknowledgement against 1 office hour (art. 5)."""

    ticket_id: int
    reference: str
    subject: str
    received_at: datetime
    deadline: datetime
    acknowledged_at: datetime | None
    taken_minutes: int
    late_minutes: int
    breached: bool


class ReportTicketsOut(Schema):
    opened: int
    closed: int
    acknowledged_in_time: int
    breached: int
    clause: str | None
    items: list[ReportTicketOut]


class ReportPauseOut(Schema):
    reason: str
    started_at: datetime
    ended_at: datetime | None


class ReportEmergencyOut(Schema):
    """One emergency contacted in the month: its GTI and GTR against the guarantees."""

    emergency_id: int
    reference: str
    server_id: int
    contacted_at: datetime
    within_quota: bool
    gti_due_at: datetime
    started_at: datetime | None
    gti_late_minutes: int
    gti_percent: Decimal
    gti_amount: Decimal
    gti_clause: str
    gtr_counted_minutes: int | None
    gtr_eligible: bool | None
    gtr_percent: Decimal | None
    gtr_amount: Decimal | None
    gtr_clause: str | None
    pauses: list[ReportPauseOut]


class ReportCreditOut(Schema):
    """A credit booked to the month (art. 14): computed, and granted under the cap."""

    emergency_id: int
    reference: str
    server_id: int
    kind: str
    computed: Decimal
    granted: Decimal
    clause: str


class ReportServerOut(Schema):
    server_id: int
    name: str
    emergencies_used: int
    emergency_quota: int
    quota_year_start: str
    quota_year_end: str
    quota_clause: str
    advice_used_in_month_minutes: int
    advice_balance_minutes: int
    advice_clause: str


class SlaReportOut(Schema):
    """The monthly SLA report of one client: the figures of the page and the PDF."""

    client_id: int
    month: str
    generated_at: datetime
    tickets: ReportTicketsOut
    emergencies: list[ReportEmergencyOut]
    credits: list[ReportCreditOut]
    credits_total: Decimal
    servers: list[ReportServerOut]


class EscalationContactIn(StrictIn):
    name: str
    phone: str = ""
    email: str = ""
    hours: str = "always"


class EscalationListIn(StrictIn):
    contacts: list[EscalationContactIn]


class EscalationContactOut(Schema):
    position: int
    name: str
    phone: str
    email: str
    hours: str
