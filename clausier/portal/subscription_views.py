"""Subscriptions in the portal: the client admin sees them and terminates online
(managed hosting art. 9: "procédure de résiliation en ligne sur l'espace client")."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from clausier.accounts.errors import AccountsError
from clausier.api.routers.billing import visible_subscriptions
from clausier.billing.termination import terminate
from clausier.portal.views import current_person


@login_required
def subscription_list(request: HttpRequest) -> HttpResponse:
    subscriptions = visible_subscriptions(current_person(request)).select_related("client", "plan")
    return render(
        request,
        "portal/subscriptions/list.html",
        {"subscriptions": subscriptions.order_by("-ordered_at")},
    )


@login_required
@require_POST
def subscription_terminate(request: HttpRequest, subscription_id: int) -> HttpResponse:
    person = current_person(request)
    subscription = visible_subscriptions(person).filter(pk=subscription_id).first()
    if subscription is None:
        raise Http404
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Cochez la case de confirmation pour résilier."))
        return redirect("portal:subscriptions")
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
