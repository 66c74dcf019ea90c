from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.utils import timezone
from ninja import Field, Schema

from clausier.apikit.schemas import StrictIn
from clausier.monitoring.services.alerts import state_label


class ServerOut(Schema):
    id: int
    provider_id: int
    client_id: int
    name: str
    address: str
    high_availability: bool
    active: bool


class ServiceOut(Schema):
    id: int
    server_id: int
    name: str
    kind: str
    params: dict[str, Any]
    is_host_check: bool
    check_interval: int
    retry_interval: int
    max_check_attempts: int
    escalate_in_hno: bool
    enabled: bool
    renotify_minutes: int | None
    state: str
    state_type: str
    attempt: int
    hard_state: str
    output: str
    reachable: bool
    flapping: bool
    last_check_at: datetime | None
    next_check_at: datetime | None
    last_hard_change_at: datetime | None
    acknowledged: bool

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(state_label(obj, obj.state))

    @staticmethod
    def resolve_hard_state(obj: Any) -> str:
        return str(state_label(obj, obj.last_hard_state))

    @staticmethod
    def resolve_acknowledged(obj: Any) -> bool:
        return (
            obj.problem_id is not None
            and obj.acknowledgements.filter(problem_id=obj.problem_id).exists()
        )


class ServiceIn(StrictIn):
    name: str = Field(..., min_length=1, max_length=80)
    kind: str
    params: dict[str, Any] = {}
    check_interval: int = 300
    retry_interval: int = 60
    max_check_attempts: int = 3
    escalate_in_hno: bool = False


class ServicePatch(StrictIn):
    params: dict[str, Any] | None = None
    check_interval: int | None = None
    retry_interval: int | None = None
    max_check_attempts: int | None = None
    escalate_in_hno: bool | None = None
    enabled: bool | None = None
    # Re-notify every N minutes while unacknowledged (0: never; null: the provider's
    # setting; absent: unchanged).
    renotify_minutes: int | None = Field(None, ge=0, le=10080)


class StateChangeOut(Schema):
    id: int
    service_id: int
    at: datetime
    state: str
    state_type: str
    attempt: int
    hard: bool
    output: str
    perfdata: str

    @staticmethod
    def resolve_state(obj: Any) -> str:
        return str(state_label(obj.service, obj.state))


class AcknowledgementIn(StrictIn):
    comment: str = Field(..., min_length=1, max_length=2000)


class AcknowledgementOut(Schema):
    id: int
    service_id: int
    problem_id: int
    comment: str
    at: datetime


class DowntimeIn(StrictIn):
    starts_at: datetime
    ends_at: datetime
    reason: str = Field(..., min_length=1, max_length=300)
    service_id: int | None = None


class DowntimeOut(Schema):
    id: int
    server_id: int
    service_id: int | None
    kind: str
    starts_at: datetime
    ends_at: datetime
    reason: str


class AvailabilityOut(Schema):
    server_id: int
    month: str
    percent: str | None
    counted_seconds: int
    problem_seconds: int
    no_data_seconds: int
    services: dict[str, str | None]


class MaintenanceWindowIO(Schema):
    weekday: int = Field(..., ge=0, le=6, description="0 = Monday")
    start: str = Field(..., pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$", description="HH:MM local")


class MaintenanceWindowsIn(StrictIn):
    windows: list[MaintenanceWindowIO]


class MaintenanceWindowsOut(Schema):
    server_id: int
    zone: str
    complete: bool
    clause: str
    windows: list[MaintenanceWindowIO]


class MaintenanceIn(StrictIn):
    starts_at: datetime
    ends_at: datetime
    reason: str = Field(..., min_length=1, max_length=300)


class ReportOut(Schema):
    id: int
    server_id: int
    kind: str
    period_start: date
    due_at: datetime
    clause: str
    collected_at: datetime | None
    exit_status: int | None
    output: str
    error: str
    findings: bool
    read_at: datetime | None
    read_comment: str
    overdue: bool

    @staticmethod
    def resolve_overdue(obj: Any) -> bool:
        return bool(obj.overdue(timezone.now()))


class ReportReadIn(StrictIn):
    comment: str = Field(..., min_length=1, max_length=4000)
