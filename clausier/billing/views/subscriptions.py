"""Subscriptions in the portal: the client admin sees them and terminates online
(managed hosting art. 9: "procédure de résiliation en ligne sur l'espace client").

Before confirming, the client sees what its notice does: the end date, the clause, and
the schedule of the instalments still owed (coaching art. 9.1.3, 17, 8.1)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clausier.accounts.errors import AccountsError
from clausier.accounts.models import Person
from clausier.accounts.views import current_person
from clausier.billing.models import Subscription
from clausier.billing.selectors import (
    subscription_reach,
    subscriptions_of,
    visible_subscriptions,
)
from clausier.billing.termination import check_may_terminate, terminate, termination_plan
from clausier.core.prepared import INTS, Pages

# Compiled once (core.prepared).
PAGE_SIZE = 50
# Compiled once per page (core.prepared), paged like the invoice list: a provider's
# staff may see thousands.
_PAGES = Pages(
    lambda providers, clients: (
        subscriptions_of(providers, clients)
        .select_related("client", "plan")
        .order_by("-ordered_at", "-pk")
    ),
    INTS,
    INTS,
    per_page=PAGE_SIZE,
)


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    listing = _PAGES.listing(*subscription_reach(current_person(request)))
    page: Page[Subscription] = Paginator(listing, PAGE_SIZE).get_page(  # type: ignore[arg-type]
        request.GET.get("page")
    )
    return render(
        request,
        "billing/subscriptions/list.html",
        {"subscriptions": page.object_list, "page": page},
    )


@login_required
@require_http_methods(["GET", "POST"])
def subscription_terminate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    person = current_person(request)
    subscription = (
        visible_subscriptions(person)
        .select_related("plan", "acceptance", "client", "provider")
        .filter(pk=subscription_id)
        .first()
    )
    if subscription is None:
        raise Http404
    if request.method == "GET":
        return _preview(request, person, subscription)
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Cochez la case de confirmation pour résilier."))
        return redirect("portal:subscription_terminate", subscription_id=subscription.pk)
    try:
        end, balance = terminate(now=timezone.now(), actor=person, subscription=subscription)
    except AccountsError as exc:
        messages.error(request, str(exc.message))
    else:
        text = _("Résiliation enregistrée : fin du contrat le %(end)s.") % {
            "end": end.strftime("%d/%m/%Y")
        }
        if balance is not None:
            text += " " + _("Facture du solde : %(number)s.") % {"number": balance.display_number}
        messages.success(request, text)
    return redirect("portal:subscriptions")


def _preview(request: HttpRequest, person: Person, subscription: Subscription) -> HttpResponse:
    try:
        check_may_terminate(person, subscription)
        plan = termination_plan(now=timezone.now(), subscription=subscription)
    except AccountsError as exc:
        messages.error(request, str(exc.message))
        return redirect("portal:subscriptions")
    return render(
        request,
        "billing/subscriptions/terminate.html",
        {"subscription": subscription, "plan": plan},
    )
