"""The plan catalogue: what a client admin's provider offers, and subscribing to it.

Subscribing needs the provider's terms accepted first (`terms.services`, the existing
double-click acceptance): until then the plan shows the way to the terms instead of a
button. Each rendered order form carries a fresh key; `services.subscribe` orders once
per key, so a double click or a replayed POST orders one subscription. The order issues
the first invoice at once; the contract starts when it is paid (coaching art. 9.1.1;
managed hosting art. 8.3), so the client is taken to that invoice.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts.models import ClientOrganisation, Role
from clausier.accounts.views import current_person
from clausier.billing import services
from clausier.billing.models import PERIOD_MONTHS, InvoiceLine, Periodicity, Plan
from clausier.core.errors import DomainError
from clausier.terms import services as terms_services
from clausier.terms.policies import policy_for


@dataclass(frozen=True)
class Offer:
    plan: Plan
    accepted: bool
    clause: str
    order_key: str


def _admin_clients(person: Any) -> list[ClientOrganisation]:
    ids = scoping.client_ids(person, {Role.CLIENT_ADMIN})
    return list(ClientOrganisation.objects.filter(pk__in=ids).select_related("provider"))


def _offers(client: ClientOrganisation) -> list[Offer]:
    plans = Plan.objects.filter(provider_id=client.provider_id, active=True).order_by(
        "service_line", "price_ht", "name"
    )
    accepted: dict[str, str] = {}
    offers = []
    for plan in plans:
        if plan.service_line not in accepted:
            acceptance = terms_services.current_acceptance(client, plan.service_line)
            accepted[plan.service_line] = "yes" if acceptance else ""
        clause = ""
        if accepted[plan.service_line]:
            pack = terms_services.pack_for(client, plan.service_line)
            months = PERIOD_MONTHS[Periodicity(plan.periodicity)]
            ref = policy_for(pack).instalment_clause(months)
            clause = str(ref) if ref else ""
        offers.append(
            Offer(plan, bool(accepted[plan.service_line]), clause, secrets.token_urlsafe(24))
        )
    return offers


@login_required
def plan_catalogue(request: HttpRequest) -> HttpResponse:
    person = current_person(request)
    clients = _admin_clients(person)
    return render(
        request,
        "billing/catalogue.html",
        {"catalogues": [(client, _offers(client)) for client in clients]},
    )


@login_required
@require_POST
def plan_subscribe(request: HttpRequest, plan_id: int) -> HttpResponse:
    person = current_person(request)
    try:
        client_id = int(request.POST.get("client", ""))
    except ValueError:
        client_id = 0
    client = next((c for c in _admin_clients(person) if c.pk == client_id), None)
    plan = Plan.objects.filter(pk=plan_id, active=True).first()
    if client is None or plan is None or plan.provider_id != client.provider_id:
        raise Http404
    order_key = request.POST.get("order_key", "")
    if not 16 <= len(order_key) <= 64:
        return HttpResponse(_("Formulaire de commande invalide : rechargez la page."), status=400)
    try:
        subscription = services.subscribe(
            now=timezone.now(), actor=person, client=client, plan=plan, order_key=order_key
        )
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:plans")
    first = (
        InvoiceLine.objects.filter(subscription=subscription)
        .order_by("invoice__issued_at", "invoice_id")
        .values_list("invoice_id", flat=True)
        .first()
    )
    messages.success(
        request,
        _("Abonnement %(label)s commandé : il commence au paiement de sa première facture.")
        % {"label": subscription.label},
    )
    if first is None:
        return redirect("portal:subscriptions")
    return redirect("portal:invoice_detail", invoice_id=first)
