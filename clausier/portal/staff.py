"""The staff workspace: the provider's owner and accountant find a client, see its
subscriptions, invoices, payments, people and service records, and act on them.

Every action goes through the services the API calls (`billing.services.credit_note`,
`billing.services.record_payment`, `accounts.services.suspend` / `reinstate`), so the
same permission rules and the same audit entries apply; a refusal is shown as a message
(400), never a 500. Links to the service apps' pages (servers, tickets) are reversed by
URL name.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts import scoping
from clausier.accounts import services as accounts_services
from clausier.accounts.models import ClientOrganisation, Membership
from clausier.accounts.reach import request_reach
from clausier.accounts.views import current_person
from clausier.billing import services as billing_services
from clausier.billing.invoicing.balances import with_balances
from clausier.billing.models import MANUAL_PAYMENT_METHODS, Invoice, Payment, Subscription
from clausier.billing.roles import BILLING_ROLES
from clausier.coaching.overview import client_coaching
from clausier.core.errors import DomainError
from clausier.core.htmx import render_page_or_fragment
from clausier.monitoring.models import ManagedServer
from clausier.support.models import Ticket

PAGE_SIZE = 25
MANUAL_METHODS = {method.value for method in MANUAL_PAYMENT_METHODS}


def works_for_clients(request: HttpRequest) -> bool:
    """Menu predicate: the provider's owner or accountant."""
    return bool(request_reach(request).staff_provider_ids(BILLING_ROLES))


def _clients(request: HttpRequest) -> Any:
    person = current_person(request)
    providers = scoping.staff_provider_ids(person, BILLING_ROLES)
    if not providers:
        raise Http404
    return ClientOrganisation.objects.filter(provider_id__in=providers)


@login_required
def client_list(request: HttpRequest) -> HttpResponse:
    clients = _clients(request).select_related("provider")
    # NUL would fail on PostgreSQL (a 500); nothing else in a search needs refusing.
    query = request.GET.get("q", "").replace("\x00", "").strip()[:100]
    if query:
        clients = clients.filter(
            Q(legal_name__icontains=query)
            | Q(siren__startswith=query)
            | Q(billing_email__icontains=query)
        )
    clients = clients.annotate(subscription_count=Count("subscriptions", distinct=True)).order_by(
        "legal_name", "pk"
    )
    page = Paginator(clients, PAGE_SIZE).get_page(request.GET.get("page"))
    return render_page_or_fragment(
        request,
        "portal/staff/clients.html",
        "portal/staff/client_results.html",
        {"page": page, "query": query},
    )


@login_required
def client_detail(request: HttpRequest, client_id: int) -> HttpResponse:
    client = _clients(request).select_related("provider").filter(pk=client_id).first()
    if client is None:
        raise Http404
    invoices = list(
        with_balances(Invoice.objects.filter(client=client)).order_by("-issued_at", "-pk")[:50]
    )
    context = {
        "client": client,
        "subscriptions": Subscription.objects.filter(client=client).order_by("-ordered_at"),
        "invoices": invoices,
        "payments": Payment.objects.filter(invoice__client=client)
        .select_related("invoice")
        .order_by("-received_at", "-pk")[:50],
        "memberships": Membership.objects.filter(client=client, revoked_at__isnull=True)
        .select_related("person")
        .order_by("person__email"),
        "servers": ManagedServer.objects.filter(client=client).order_by("name")[:50],
        "tickets": Ticket.objects.filter(client=client).order_by("-pk")[:20],
        "methods": [(method.value, method.label) for method in MANUAL_PAYMENT_METHODS],
        "coaching": client_coaching(client, current_person(request), timezone.now()),
    }
    return render(request, "portal/staff/client.html", context)


def _back(client_id: int) -> HttpResponse:
    return redirect("portal:staff_client", client_id=client_id)


def _refused(request: HttpRequest, client_id: int, exc: DomainError) -> HttpResponse:
    messages.error(request, str(exc.message))
    response = client_detail(request, client_id)
    response.status_code = 400
    return response


@login_required
@require_POST
def client_action(request: HttpRequest, client_id: int, action: str) -> HttpResponse:
    client = _clients(request).filter(pk=client_id).first()
    if client is None:
        raise Http404
    person = current_person(request)
    now = timezone.now()
    ip = request.META.get("REMOTE_ADDR")
    try:
        if action in {"credit-note", "payment"}:
            invoice = Invoice.objects.filter(client=client, pk=_int(request, "invoice")).first()
            if invoice is None:
                raise Http404
            if action == "credit-note":
                note = billing_services.credit_note(
                    now=now, actor=person, invoice=invoice, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request, _("Avoir %(number)s émis.") % {"number": note.display_number}
                )
            else:
                _record_payment(request, person, invoice, now)
        elif action in {"suspend", "reinstate"}:
            membership = Membership.objects.filter(
                client=client, pk=_int(request, "membership")
            ).first()
            if membership is None:
                raise Http404
            if action == "suspend":
                accounts_services.suspend(
                    now=now,
                    actor=person,
                    membership=membership,
                    reason=request.POST.get("reason", ""),
                    ip_address=ip,
                )
                messages.success(request, _("Accès suspendu."))
            else:
                accounts_services.reinstate(
                    now=now, actor=person, membership=membership, ip_address=ip
                )
                messages.success(request, _("Accès rétabli."))
        else:
            raise Http404
    except DomainError as exc:
        return _refused(request, client.pk, exc)
    return _back(client.pk)


def _int(request: HttpRequest, name: str) -> int:
    try:
        return int(request.POST.get(name, ""))
    except ValueError:
        return 0


def _record_payment(request: HttpRequest, person: Any, invoice: Invoice, now: Any) -> None:
    method = request.POST.get("method", "")
    if invoice.provider_id not in scoping.staff_provider_ids(person, BILLING_ROLES):
        raise DomainError(_("Seule la facturation du prestataire enregistre paiements et avoirs."))
    if method not in MANUAL_METHODS:
        raise DomainError(_("Choisissez un moyen de paiement."), "unknown_method")
    try:
        amount = Decimal(request.POST.get("amount", "").replace(",", ".").replace(" ", ""))
    except InvalidOperation:
        raise DomainError(_("Montant illisible."), "invalid_amount") from None
    if not amount.is_finite() or amount.as_tuple().exponent < -2:  # type: ignore[operator]
        raise DomainError(_("Montant illisible."), "invalid_amount")
    reference = request.POST.get("reference", "").strip()[:100]
    if not reference:
        raise DomainError(_("La référence du paiement est obligatoire."), "reference_required")
    billing_services.record_payment(
        now=now,
        invoice=invoice,
        amount=amount,
        method=method,
        reference=reference,
        actor=person,
        overpayment=request.POST.get("overpayment") == "on",
        replay=False,
    )
    messages.success(
        request,
        _("Paiement enregistré sur la facture %(number)s.") % {"number": invoice.display_number},
    )
