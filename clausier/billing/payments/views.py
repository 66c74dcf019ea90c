"""Webhook endpoints: CSRF-exempt (the signature authenticates), never a 500."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clausier.accounts.models import Provider
from clausier.billing.models import Gateway
from clausier.billing.payments import webhooks

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
