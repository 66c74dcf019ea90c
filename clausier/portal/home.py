"""The portal's home page: the person's accesses and the organisations they administer."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from clausier.accounts import scoping, selectors
from clausier.accounts.models import Membership, Role
from clausier.accounts.views import current_person


@login_required
def home(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    memberships = (
        Membership.objects.filter(person=person).active().select_related("provider", "client")
    )
    return render(
        request,
        "portal/home.html",
        {
            "memberships": memberships,
            "managed_clients": selectors.managed_clients(person).filter(
                pk__in=scoping.client_ids(person, {Role.CLIENT_ADMIN})
            ),
        },
    )
