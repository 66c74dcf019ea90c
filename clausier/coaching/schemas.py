"""API payloads of coaching: allowances, sessions, slots, rooms, deliverables."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Schema
from pydantic import AwareDatetime, Field

from clausier.apikit.schemas import StrictIn


class AllowanceOut(Schema):
    """What remains of one subscription's annual period (art. 10.1)."""

    subscription_id: int
    period_start: date
    period_end: date
    expires_at: datetime
    granted: int
    booked: int
    held: int
    consumed: int
    returned: int
    remaining: int
    clause: str


class EnrolmentIn(StrictIn):
    person_id: int


class EnrolmentOut(Schema):
    id: int
    subscription_id: int
    person_id: int


class SlotOut(Schema):
    coach_id: int
    starts_at: datetime
    ends_at: datetime


class ParticipantOut(Schema):
    person_id: int
    attendance: str
    attended_seconds: int


class SessionOut(Schema):
    id: int
    provider_id: int
    client_id: int
    subscription_id: int
    coach_id: int
    starts_at: datetime
    ends_at: datetime
    status: str
    capacity: int
    period_start: date
    period_end: date
    replaces_id: int | None
    change_clause: str
    change_in_time: bool | None
    force_majeure: bool
    ical_uid: str
    ical_sequence: int
    participants: list[ParticipantOut]

    @staticmethod
    def resolve_participants(obj: object) -> list[object]:
        return list(obj.participants.all())  # type: ignore[attr-defined]


class SessionIn(StrictIn):
    subscription_id: int
    coach_id: int
    starts_at: AwareDatetime
    participant_ids: list[int] = Field(default_factory=list, max_length=50)


class PostponeIn(StrictIn):
    starts_at: AwareDatetime
    coach_id: int | None = None


class ChangeOut(Schema):
    session: SessionOut
    in_time: bool
    request_by: datetime
    clause: str
    replacement: SessionOut | None


class JoinOut(Schema):
    domain: str
    app_id: str
    room: str
    token: str
    url: str


class DeliverableIn(StrictIn):
    subscription_id: int
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(default="", max_length=100_000)
    session_id: int | None = None


class ReservationIn(StrictIn):
    text: str = Field(min_length=1, max_length=10_000)


class DeliverableOut(Schema):
    id: int
    client_id: int
    subscription_id: int
    session_id: int | None
    title: str
    body: str
    posted_at: datetime
    reservation: str
    reserved_at: datetime | None
    status: str  # pending | reserved | accepted (art. 15)
    closes_at: datetime
    clause: str


class AgendaEntryOut(Schema):
    """A session (`kind` "session") or a free slot (`kind` "free") of one local day."""

    kind: str
    starts_at: datetime
    ends_at: datetime
    coach_id: int
    coach_name: str
    session_id: int | None
    status: str
    client_id: int | None
    participants: list[str]
    mine: bool


class AgendaDayOut(Schema):
    day: date
    starts_at: datetime
    ends_at: datetime
    hours: int  # 23 or 25 on a DST day
    entries: list[AgendaEntryOut]


class AgendaOut(Schema):
    view: str
    zone: str
    day: date
    today: date
    previous: date
    next: date
    starts_at: datetime
    ends_at: datetime
    days: list[AgendaDayOut]


class ChangeRequestOut(Schema):
    """A cancellation or postponement asked by e-mail (art. 10.1, 10.3)."""

    id: int
    session_id: int
    sender_id: int
    received_at: datetime  # when our system received it: the 48-hour notice counts from it
    kind: str
    subject: str
    text: str
    status: str
    decision: str
    decided_at: datetime | None


class ApplyRequestIn(StrictIn):
    action: str = Field(pattern="^(cancel|postpone)$")
    starts_at: AwareDatetime | None = None
    coach_id: int | None = None


class DismissRequestIn(StrictIn):
    reason: str = Field(min_length=1, max_length=500)
