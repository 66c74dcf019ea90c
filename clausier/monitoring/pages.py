"""Portal pages for maintenance windows (art. 6) and the staff problems board (art. 3.2).
Every action goes through the same services (permissions, audit) as the API."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from clausier.accounts.reach import request_reach
from clausier.accounts.views import current_person
from clausier.core.htmx import is_htmx, render_page_or_fragment
from clausier.monitoring import windows as rules
from clausier.monitoring.errors import MonitoringError
from clausier.monitoring.models import Downtime, DowntimeKind, ManagedServer, ServerReport
from clausier.monitoring.selectors import (
    OPERATOR_ROLES,
    operated_servers,
    operated_services,
    visible_servers,
)
from clausier.monitoring.services import board, maintenance, operations, reports

DAY_CHOICES = [(str(k), v) for k, v in sorted(WEEKDAYS.items())]


class WindowsForm(forms.Form):
    first_day = forms.ChoiceField(label=_("Première plage : jour"), choices=DAY_CHOICES)
    first_start = forms.TimeField(
        label=_("Première plage : début"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    second_day = forms.ChoiceField(label=_("Seconde plage : jour"), choices=DAY_CHOICES)
    second_start = forms.TimeField(
        label=_("Seconde plage : début"), widget=forms.TimeInput(attrs={"type": "time"})
    )


class MaintenanceForm(forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Début"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    ends_at = forms.DateTimeField(
        label=_("Fin"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Motif"), max_length=300)


def _server(request: HttpRequest, server_id: int) -> ManagedServer:
    server = (
        visible_servers(current_person(request))
        .select_related("client", "provider", "subscription")
        .filter(pk=server_id)
        .first()
    )
    if server is None:
        raise Http404
    return server


def _aware(value: datetime, server: ManagedServer) -> datetime:
    """A datetime-local input is wall-clock time in the contract's zone."""
    zone = maintenance.server_zone(server)
    naive = value.replace(tzinfo=None) if timezone.is_aware(value) else value
    return naive.replace(tzinfo=zone)


@login_required
def maintenance_windows(request: HttpRequest, server_id: int) -> HttpResponse:
    """The client declares its two weekly windows; staff see them and schedule
    maintenance inside them (art. 6)."""
    person = current_person(request)
    server = _server(request, server_id)
    may_declare = maintenance.may_declare(person, server)
    may_schedule = operated_servers(person).filter(pk=server.pk).exists()
    now = timezone.now()
    current = maintenance.declared(server)
    initial: dict[str, Any] = {}
    if len(current) == rules.WINDOWS_PER_WEEK:
        initial = {
            "first_day": str(current[0].weekday),
            "first_start": current[0].start,
            "second_day": str(current[1].weekday),
            "second_start": current[1].start,
        }
    windows_form = WindowsForm(initial=initial)
    maintenance_form = MaintenanceForm()
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "windows" and may_declare:
            windows_form = WindowsForm(request.POST)
            if windows_form.is_valid():
                d = windows_form.cleaned_data
                try:
                    maintenance.declare_windows(
                        server,
                        [
                            rules.WeeklyWindow(int(d["first_day"]), d["first_start"]),
                            rules.WeeklyWindow(int(d["second_day"]), d["second_start"]),
                        ],
                        person,
                        now,
                    )
                except MonitoringError as exc:
                    windows_form.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("Plages de maintenance enregistrées."))
                    return redirect("portal:monitoring_maintenance", server.pk)
        elif action == "maintenance" and may_schedule:
            maintenance_form = MaintenanceForm(request.POST)
            if maintenance_form.is_valid():
                d = maintenance_form.cleaned_data
                try:
                    maintenance.schedule_maintenance(
                        server,
                        starts_at=_aware(d["starts_at"], server),
                        ends_at=_aware(d["ends_at"], server),
                        reason=d["reason"],
                        person=person,
                        now=now,
                    )
                except MonitoringError as exc:
                    maintenance_form.add_error(None, str(exc.message))
                else:
                    messages.success(request, _("Maintenance planifiée ; le client est prévenu."))
                    return redirect("portal:monitoring_maintenance", server.pk)
        else:
            return HttpResponse(status=403)
    zone = maintenance.server_zone(server)
    upcoming = []
    if current:
        for start, end in rules.occurrences(current, zone, now, now + timedelta(days=14)):
            upcoming.append({"start": start, "end": end})
    planned = Downtime.objects.filter(
        server=server, kind=DowntimeKind.MAINTENANCE, ends_at__gt=now, cancelled_at__isnull=True
    ).order_by("starts_at")
    return render(
        request,
        "monitoring/maintenance.html",
        {
            "server": server,
            "windows": [{"day": WEEKDAYS[w.weekday], "start": w.start} for w in current],
            "complete": len(current) == rules.WINDOWS_PER_WEEK,
            "windows_form": windows_form,
            "maintenance_form": maintenance_form,
            "may_declare": may_declare,
            "may_schedule": may_schedule,
            "zone": zone.key,
            "upcoming": upcoming[:4],
            "planned": planned,
        },
    )


def board_nav_visible(request: HttpRequest) -> bool:
    """The board's menu entry: provider staff with a managed server (one query)."""
    providers = request_reach(request).staff_provider_ids(OPERATOR_ROLES)
    if not providers:
        return False
    return ManagedServer.objects.filter(provider_id__in=providers).exists()


def _board_context(person: Any) -> dict[str, Any]:
    now = timezone.now()
    rows = board.problems(person, now)
    return {
        "rows": rows,
        "overdue": reports.overdue_reports(board.operator_providers(person), now),
        "unhandled": sum(1 for r in rows if not r.handled),
        "now": now,
    }


@login_required
def problems_board(request: HttpRequest) -> HttpResponse:
    """The board (art. 3.2); htmx refreshes its list every 30 s (`?partial=1` too)."""
    person = current_person(request)
    if not board.board_visible(person):
        raise Http404
    context = _board_context(person)
    if request.GET.get("partial"):
        return render(request, "monitoring/board_table.html", context)
    return render_page_or_fragment(
        request, "monitoring/board.html", "monitoring/board_table.html", context
    )


@login_required
@require_POST
def board_acknowledge(request: HttpRequest, service_id: int) -> HttpResponse:
    """Acknowledge a problem (art. 3.2: stops its escalation). An htmx request gets the
    board's list back with the outcome; a plain form post is redirected to the board."""
    person = current_person(request)
    service = operated_services(person).filter(pk=service_id).first()
    if service is None:
        raise Http404
    try:
        operations.acknowledge(service, person, request.POST.get("comment", ""), timezone.now())
    except MonitoringError as exc:
        outcome, tag = str(exc.message), "error"
    else:
        outcome, tag = str(_("Problème pris en compte : l'escalade est arrêtée.")), "success"
    if is_htmx(request):
        context = _board_context(person)
        context.update(board_message=outcome, board_message_tag=tag)
        return render_page_or_fragment(
            request, "monitoring/board.html", "monitoring/board_table.html", context
        )
    getattr(messages, tag)(request, outcome)
    return redirect("portal:monitoring_board")


@login_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    """A weekly log report or monthly chkrootkit run (art. 3.2); staff mark it read."""
    person = current_person(request)
    report = (
        ServerReport.objects.filter(server__in=visible_servers(person), pk=report_id)
        .select_related("server__client", "read_by")
        .first()
    )
    if report is None:
        raise Http404
    may_read = operated_servers(person).filter(pk=report.server_id).exists()
    if request.method == "POST":
        if not may_read:
            return HttpResponse(status=403)
        try:
            reports.mark_read(report, person, request.POST.get("comment", ""), timezone.now())
        except MonitoringError as exc:
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Rapport marqué comme lu."))
        return redirect("portal:monitoring_report", report.pk)
    return render(
        request,
        "monitoring/report.html",
        {
            "report": report,
            "may_read": may_read,
            "overdue": report.overdue(timezone.now()),
        },
    )
