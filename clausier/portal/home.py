"""The portal's home page: a dashboard per role (clausier.portal.dashboards)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from clausier.accounts.models import Membership
from clausier.accounts.views import current_person
from clausier.core.prepared import INT, Prepared
from clausier.portal import dashboards
from clausier.portal.reach import CLIENT_ADMIN, COLLABORATOR, STAFF, request_reach

# Compiled once (core.prepared), like the dashboards' queries.
_MEMBERSHIPS = Prepared(
    lambda person_id: (
        Membership.objects.filter(person_id=person_id)
        .active()
        .select_related("provider", "client")
        .only("role", "provider__legal_name", "client__legal_name")
    ),
    INT,
)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    reach = request_reach(request)
    now = timezone.now()
    context: dict[str, object] = {"kind": reach.kind}
    if reach.kind == STAFF:
        context["staff"] = dashboards.staff(reach, now)
    if reach.admin_client_ids:
        context["admin"] = dashboards.client_admin(reach, now)
    elif reach.kind == COLLABORATOR:
        context["collaborator"] = dashboards.collaborator(reach, person)
    context["memberships"] = (
        _MEMBERSHIPS.objects(person.pk) if reach.kind in {STAFF, CLIENT_ADMIN, COLLABORATOR} else []
    )
    return render(request, "portal/home.html", context)
