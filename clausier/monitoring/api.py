"""The monitoring API: servers, services (state, tuning), history, acknowledgements,
downtimes, availability. Reads follow `selectors.visible_*` (staff: their providers;
client people: their organisation); writes need a provider's owner or engineer. Objects
a caller may not see answer 404; objects they see but may not change answer 403."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts.api.people import caller
from clausier.accounts.errors import NotAllowed
from clausier.apikit.pagination import Page
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import (
    Acknowledgement,
    Downtime,
    ManagedServer,
    MonitoredService,
    ServerReport,
)
from clausier.monitoring.schemas import (
    AcknowledgementIn,
    AcknowledgementOut,
    AvailabilityOut,
    DowntimeIn,
    DowntimeOut,
    MaintenanceIn,
    MaintenanceWindowIO,
    MaintenanceWindowsIn,
    MaintenanceWindowsOut,
    ReportOut,
    ReportReadIn,
    ServerOut,
    ServiceIn,
    ServiceOut,
    ServicePatch,
    StateChangeOut,
)
from clausier.monitoring.selectors import (
    operated_servers,
    operated_services,
    visible_downtimes,
    visible_servers,
    visible_services,
)
from clausier.monitoring.services import inventory, maintenance, operations, reports
from clausier.monitoring.services.availability import server_availability

router = Router(tags=["monitoring"])


def _operated_server(request: HttpRequest, server_id: int) -> ManagedServer:
    person = caller(request)
    server = get_object_or_404(visible_servers(person), pk=server_id)
    if not operated_servers(person).filter(pk=server.pk).exists():
        raise NotAllowed(_("Réservé à l'équipe technique du prestataire."))
    return server


def _operated_service(request: HttpRequest, service_id: int) -> MonitoredService:
    person = caller(request)
    service = get_object_or_404(visible_services(person), pk=service_id)
    if not operated_services(person).filter(pk=service.pk).exists():
        raise NotAllowed(_("Réservé à l'équipe technique du prestataire."))
    return service


@router.get("/monitoring/servers", response=list[ServerOut])
@paginate(Page)
def list_servers(request: HttpRequest) -> Any:
    return visible_servers(caller(request)).order_by("client_id", "name", "pk")


@router.get("/monitoring/servers/{server_id}", response=ServerOut)
def get_server(request: HttpRequest, server_id: int) -> ManagedServer:
    return get_object_or_404(visible_servers(caller(request)), pk=server_id)


@router.get("/monitoring/servers/{server_id}/services", response=list[ServiceOut])
@paginate(Page)
def list_services(request: HttpRequest, server_id: int) -> Any:
    server = get_object_or_404(visible_servers(caller(request)), pk=server_id)
    return server.services.order_by("name", "pk")


@router.post("/monitoring/servers/{server_id}/services", response={201: ServiceOut})
def create_service(
    request: HttpRequest, server_id: int, payload: ServiceIn
) -> Status[MonitoredService]:
    """A service added by staff (a specific script of art. 3.2 is an `ssh_command`)."""
    server = _operated_server(request, server_id)
    if server.services.filter(name=payload.name).exists():
        raise MonitoringError(_("Ce serveur a déjà un service de ce nom."), "duplicate")
    fields = payload.model_dump(exclude={"name", "kind", "params"})
    service = inventory.add_service(
        server,
        name=payload.name,
        kind=payload.kind,
        params=payload.params,
        now=timezone.now(),
        **fields,
    )
    return Status(201, service)


@router.get("/monitoring/services/{service_id}", response=ServiceOut)
def get_service(request: HttpRequest, service_id: int) -> MonitoredService:
    return get_object_or_404(visible_services(caller(request)), pk=service_id)


@router.patch("/monitoring/services/{service_id}", response=ServiceOut)
def update_service(
    request: HttpRequest, service_id: int, payload: ServicePatch
) -> MonitoredService:
    service = _operated_service(request, service_id)
    return inventory.update_service(service, payload.model_dump(exclude_unset=True))


@router.get("/monitoring/services/{service_id}/history", response=list[StateChangeOut])
@paginate(Page)
def service_history(request: HttpRequest, service_id: int, hard_only: bool = False) -> Any:
    service = get_object_or_404(visible_services(caller(request)), pk=service_id)
    changes = service.state_changes.select_related("service").order_by("-at", "-id")
    return changes.filter(hard=True) if hard_only else changes


@router.post(
    "/monitoring/services/{service_id}/acknowledgement", response={201: AcknowledgementOut}
)
def acknowledge(
    request: HttpRequest, service_id: int, payload: AcknowledgementIn
) -> Status[Acknowledgement]:
    """Provider staff take the current problem in hand: its escalation stops (art. 3.2).
    No problem in progress, or already acknowledged: 400 with a code."""
    service = _operated_service(request, service_id)
    ack = operations.acknowledge(service, caller(request), payload.comment, timezone.now())
    return Status(201, ack)


@router.get("/monitoring/servers/{server_id}/downtimes", response=list[DowntimeOut])
@paginate(Page)
def list_downtimes(request: HttpRequest, server_id: int) -> Any:
    server = get_object_or_404(visible_servers(caller(request)), pk=server_id)
    return visible_downtimes(caller(request)).filter(server=server).order_by("-starts_at", "-pk")


@router.post("/monitoring/servers/{server_id}/downtimes", response={201: DowntimeOut})
def create_downtime(request: HttpRequest, server_id: int, payload: DowntimeIn) -> Status[Downtime]:
    server = _operated_server(request, server_id)
    service = None
    if payload.service_id is not None:
        service = server.services.filter(pk=payload.service_id).first()
        if service is None:
            raise MonitoringError(_("Ce service n'appartient pas à ce serveur."), "invalid_service")
    downtime = operations.schedule_downtime(
        server,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        now=timezone.now(),
        author=caller(request),
        service=service,
    )
    return Status(201, downtime)


@router.get("/monitoring/servers/{server_id}/availability", response=AvailabilityOut)
def availability(request: HttpRequest, server_id: int, month: date | None = None) -> dict[str, Any]:
    """A month's availability (Icinga DB's SLA rules; default: the current month)."""
    server = get_object_or_404(visible_servers(caller(request)), pk=server_id)
    now = timezone.now()
    result = server_availability(server, month or now.date(), now)
    a = result.availability
    return {
        "server_id": server.pk,
        "month": result.month.strftime("%Y-%m"),
        "percent": None if a.percent is None else str(a.percent),
        "counted_seconds": int(a.counted.total_seconds()),
        "problem_seconds": int(a.problem.total_seconds()),
        "no_data_seconds": int(a.no_data.total_seconds()),
        "services": {
            str(pk): None if s.percent is None else str(s.percent)
            for pk, s in result.services.items()
        },
    }


def _windows_out(server: ManagedServer) -> dict[str, Any]:
    items = maintenance.declared(server)
    return {
        "server_id": server.pk,
        "zone": maintenance.server_zone(server).key,
        "complete": len(items) == 2,
        "clause": maintenance.CLAUSE,
        "windows": [
            MaintenanceWindowIO(weekday=w.weekday, start=w.start.strftime("%H:%M")) for w in items
        ],
    }


@router.get("/monitoring/servers/{server_id}/maintenance-windows", response=MaintenanceWindowsOut)
def get_maintenance_windows(request: HttpRequest, server_id: int) -> dict[str, Any]:
    """The client's two weekly 2-hour windows (art. 6), in the contract's zone."""
    server = get_object_or_404(visible_servers(caller(request)), pk=server_id)
    return _windows_out(server)


@router.put("/monitoring/servers/{server_id}/maintenance-windows", response=MaintenanceWindowsOut)
def put_maintenance_windows(
    request: HttpRequest, server_id: int, payload: MaintenanceWindowsIn
) -> dict[str, Any]:
    """Declare the server's windows (art. 6): exactly two, distinct, two hours each.
    The client's admins, or the provider's operators on its behalf."""
    person = caller(request)
    server = get_object_or_404(visible_servers(person), pk=server_id)
    if not maintenance.may_declare(person, server):
        raise NotAllowed(_("Réservé à l'administrateur du client ou au prestataire."))
    items = [maintenance.parse_window(w.weekday, w.start) for w in payload.windows]
    maintenance.declare_windows(server, items, person, timezone.now())
    return _windows_out(server)


@router.post("/monitoring/servers/{server_id}/maintenances", response={201: DowntimeOut})
def create_maintenance(
    request: HttpRequest, server_id: int, payload: MaintenanceIn
) -> Status[Downtime]:
    """A maintenance needing a service restart, inside one of the client's windows
    (art. 6; else 400 `outside_window`): a downtime, and a notice e-mailed to the client."""
    server = _operated_server(request, server_id)
    downtime = maintenance.schedule_maintenance(
        server,
        starts_at=payload.starts_at,
        ends_at=payload.ends_at,
        reason=payload.reason,
        person=caller(request),
        now=timezone.now(),
    )
    return Status(201, downtime)


@router.get("/monitoring/servers/{server_id}/reports", response=list[ReportOut])
@paginate(Page)
def list_reports(request: HttpRequest, server_id: int) -> Any:
    """The weekly log reports and monthly chkrootkit runs (art. 3.2), newest first."""
    server = get_object_or_404(visible_servers(caller(request)), pk=server_id)
    return server.reports.order_by("-period_start", "kind", "-pk")


@router.post("/monitoring/reports/{report_id}/read", response=ReportOut)
def read_report(request: HttpRequest, report_id: int, payload: ReportReadIn) -> ServerReport:
    """Provider staff read the report, with a comment (art. 3.2 "lecture")."""
    person = caller(request)
    report = get_object_or_404(
        ServerReport.objects.filter(server__in=visible_servers(person)), pk=report_id
    )
    if not operated_servers(person).filter(pk=report.server_id).exists():
        raise NotAllowed(_("Réservé à l'équipe technique du prestataire."))
    reports.mark_read(report, person, payload.comment, timezone.now())
    return report
