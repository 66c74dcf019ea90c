"""Webhook endpoints: CSRF-exempt (the signature authenticates), never a 500."""

from __future__ import annotations

import logging
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clausier.accounts.models import Provider
from clausier.billing.errors import BillingError
from clausier.billing.models import Gateway
from clausier.billing.payments import hosted, webhooks

logger = logging.getLogger(__name__)


def _receive(request: HttpRequest, provider: str, gateway: str) -> JsonResponse:
    try:
        tenant = Provider.objects.filter(slug=provider).first()
        if tenant is None:
            return JsonResponse({"error": "unknown provider", "code": "unknown"}, status=404)
        reply = webhooks.receive(
            provider=tenant,
            gateway=gateway,
            headers=dict(request.headers),
            body=request.body,
            now=timezone.now(),
        )
        return JsonResponse(reply.body, status=reply.status_code)
    except RequestDataTooBig:
        return JsonResponse({"error": "body too large", "code": "too_large"}, status=413)
    except Exception:
        # The body was not applied (or is stored as failed): the gateway will retry.
        logger.exception("%s webhook for %s failed", gateway, provider)
        return JsonResponse({"error": "retry later", "code": "unavailable"}, status=503)


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    return _receive(request, provider, Gateway.STRIPE.value)


@csrf_exempt
@require_POST
def gocardless_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    return _receive(request, provider, Gateway.GOCARDLESS.value)


def test_gateway_page(request: HttpRequest, token: str) -> HttpResponse:
    """The hosted page of the test gateway (PAYMENT_HOSTED_PAGE=test): what Stripe's page
    does, without a network: pay or decline, the signed webhook, back to the portal."""
    if settings.PAYMENT_HOSTED_PAGE != "test":
        raise Http404
    try:
        session = hosted.read_test_session(token)
    except BillingError as exc:
        return render(request, "billing/test_gateway.html", {"error": exc.message}, status=400)
    if request.method == "POST":
        outcome = request.POST.get("outcome")
        if outcome not in {"pay", "decline"}:
            raise Http404
        target = hosted.settle_test_session(session, paid=outcome == "pay", now=timezone.now())
        return HttpResponseRedirect(target)
    amount = Decimal(int(session["cents"])) / 100
    return render(request, "billing/test_gateway.html", {"session": session, "amount": amount})
