"""The staff page of the application's interruptions (coaching contract art. 7.3, 7.4): the
list of outages and maintenances and the form recording an outage. It goes through the
same service as the API (`training.interruptions`: permission, audit, the trainings'
extensions); bad input answers 400 with the form, a refusal 403/400 with its message."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.views import current_person
from clausier.coaching import interruptions as coaching_interruptions
from clausier.coaching.models import InterruptionKind, ServiceInterruption
from clausier.core.errors import DomainError
from clausier.training import forms, interruptions


def _page(
    request: HttpRequest,
    form: forms.OutageForm,
    maintenance_form: forms.MaintenanceForm,
    status: int = 200,
) -> HttpResponse:
    person = current_person(request)
    rows = (
        ServiceInterruption.objects.filter(provider_id__in=scoping.staff_provider_ids(person))
        .select_related("provider", "recorded_by")
        .order_by("-starts_at", "-pk")
    )
    now = timezone.now()
    listed = [
        {
            "row": row,
            "extensions": row.training_extensions.count(),
            "cancellable": row.kind == InterruptionKind.MAINTENANCE
            and row.cancelled_at is None
            and row.starts_at > now,
        }
        for row in rows[:200]
    ]
    return render(
        request,
        "training/staff/interruptions.html",
        {"rows": listed, "outage_form": form, "maintenance_form": maintenance_form},
        status=status,
    )


@login_required
def interruptions_page(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    providers = scoping.staff_provider_ids(person, coaching_interruptions.RECORDERS)
    if not providers:
        raise Http404
    if request.method == "POST" and request.POST.get("kind") == "maintenance":
        return _schedule_maintenance(request, providers)
    if request.method == "POST" and request.POST.get("kind") == "cancel":
        return _cancel_maintenance(request, providers)
    form = forms.OutageForm(request.POST or None, provider_ids=providers, prefix="outage")
    blank = forms.MaintenanceForm(provider_ids=providers, prefix="maintenance")
    if request.method != "POST":
        return _page(request, form, blank)
    if not form.is_valid():
        return _page(request, form, blank, 400)
    data = form.cleaned_data
    try:
        _row, extended = interruptions.record_outage(
            now=timezone.now(),
            actor=person,
            provider=data["provider"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            scope=data["scope"],
            cause=data["cause"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _page(request, form, blank, 403 if isinstance(exc, NotAllowed) else 400)
    messages.success(
        request,
        _("Panne enregistrée ; accès aux formations prolongés : %(count)s (art. 7.3).")
        % {"count": extended},
    )
    return HttpResponseRedirect(reverse("portal:training_interruptions"))


def _schedule_maintenance(request: HttpRequest, providers: set[int]) -> HttpResponse:
    person = current_person(request)
    blank = forms.OutageForm(provider_ids=providers, prefix="outage")
    form = forms.MaintenanceForm(request.POST, provider_ids=providers, prefix="maintenance")
    if not form.is_valid():
        return _page(request, blank, form, 400)
    data = form.cleaned_data
    try:
        _row, sent = interruptions.schedule_maintenance(
            now=timezone.now(),
            actor=person,
            provider=data["provider"],
            starts_at=data["starts_at"],
            ends_at=data["ends_at"],
            scope=data["scope"],
            cause=data["cause"],
            emergency=data["emergency"],
        )
    except DomainError as exc:
        form.add_error(None, str(exc.message))
        return _page(request, blank, form, 403 if isinstance(exc, NotAllowed) else 400)
    messages.success(
        request,
        _("Maintenance programmée ; avis envoyés : %(count)s (art. 7.4).") % {"count": sent},
    )
    return HttpResponseRedirect(reverse("portal:training_interruptions"))


def _cancel_maintenance(request: HttpRequest, providers: set[int]) -> HttpResponse:
    """The cancel button of an upcoming maintenance: the same service as the API."""
    person = current_person(request)
    pk = _int(request.POST.get("interruption"))
    row = (
        ServiceInterruption.objects.filter(provider_id__in=providers, pk=pk)
        .select_related("provider")
        .first()
        if pk is not None
        else None
    )
    if row is None:
        raise Http404
    try:
        _row, sent = interruptions.cancel_maintenance(
            now=timezone.now(), actor=person, row=row, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return HttpResponseRedirect(reverse("portal:training_interruptions"))
    messages.success(
        request,
        _("Maintenance annulée ; e-mails envoyés : %(count)s (art. 7.4).") % {"count": sent},
    )
    return HttpResponseRedirect(reverse("portal:training_interruptions"))


def _int(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 12 else None
