"""Portal pages: the client's status page (servers, services, current state, since, last
output) and a server page (availability per month, incident history). Server-rendered."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clausier.accounts.reach import request_reach
from clausier.accounts.views import current_person
from clausier.core.calendar import add_months
from clausier.monitoring.models import ManagedServer
from clausier.monitoring.selectors import (
    incidents,
    last_heartbeat,
    operated_servers,
    visible_servers,
)
from clausier.monitoring.services.availability import server_availability
from clausier.monitoring.services.maintenance import windows_complete
from clausier.monitoring.services.operations import monitor_silent_since
from clausier.monitoring.services.reports import latest_reports


def nav_visible(request: HttpRequest) -> bool:
    """The menu entry: the person reaches a managed server (one query, on the reach)."""
    reach = request_reach(request)
    return ManagedServer.objects.filter(
        Q(provider_id__in=set(reach.staff)) | Q(client_id__in=reach.member_client_ids)
    ).exists()


@login_required
def status(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    servers = (
        visible_servers(person)
        .select_related("client")
        .prefetch_related("services", "maintenance_windows")
        .order_by("client__legal_name", "name")
    )
    now = timezone.now()
    rows = []
    for server in servers:
        services = [s for s in server.services.all() if s.enabled]
        problems = [s for s in services if s.has_result and s.last_hard_state != 0]
        rows.append(
            {
                "server": server,
                "services": services,
                "problems": len(problems),
                # Art. 6: the client's two weekly maintenance windows are still missing.
                "windows_missing": len(server.maintenance_windows.all()) != 2,
            }
        )
    staff = operated_servers(person).exists()
    return render(
        request,
        "monitoring/status.html",
        {
            "rows": rows,
            "monitor_silent_since": monitor_silent_since(now) if staff else None,
            "heartbeat": last_heartbeat() if staff else None,
        },
    )


@login_required
def server_detail(request: HttpRequest, server_id: int) -> HttpResponse:
    person = current_person(request)
    server = visible_servers(person).select_related("client").filter(pk=server_id).first()
    if server is None:
        raise Http404
    now = timezone.now()
    first = now.date().replace(day=1)
    months: list[dict[str, Any]] = []
    for back in range(5, -1, -1):
        month: date = add_months(first, -back)
        result = server_availability(server, month, now)
        percent = result.availability.percent
        # Bars 100 px high at 100 %; the lower 90 % are squeezed so that 99 % and 99.9 %
        # still look different.
        bar = (
            0
            if percent is None
            else round(max(0.0, float(percent) - 90) * 9 + min(float(percent), 90) / 9)
        )
        months.append(
            {
                "month": month,
                "percent": percent,
                "x": 8 + 60 * (5 - back),
                "y": 100 - bar,
                "bar": bar,
                "no_data": int(result.availability.no_data.total_seconds()),
            }
        )
    return render(
        request,
        "monitoring/server.html",
        {
            "server": server,
            "services": server.services.order_by("name"),
            "incidents": incidents(server)[:50],
            "months": months,
            "can_operate": operated_servers(person).filter(pk=server.pk).exists(),
            "windows_complete": windows_complete(server),
            "reports": latest_reports(server),
            "now": now,
        },
    )
