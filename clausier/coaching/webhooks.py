"""The JaaS webhook endpoint, one per provider: CSRF-exempt (the signature
authenticates), answers 2xx once stored (or already stored), never a 500."""

from __future__ import annotations

import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from clausier.accounts.models import Provider
from clausier.coaching import jaas, rooms
from clausier.coaching.errors import CoachingError

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def jaas_webhook(request: HttpRequest, provider: str) -> JsonResponse:
    tenant = Provider.objects.filter(slug=provider).first()
    if tenant is None:
        return JsonResponse({"code": "unknown", "message": "unknown provider"}, status=404)
    try:
        new = rooms.ingest_webhook(
            provider=tenant,
            signature=request.headers.get("X-Jaas-Signature", ""),
            body=request.body,
            now=timezone.now(),
        )
    except RequestDataTooBig:
        return JsonResponse({"code": "too_large", "message": "body too large"}, status=413)
    except jaas.BadSignature as exc:
        return JsonResponse({"code": "bad_signature", "message": str(exc)}, status=401)
    except (jaas.BadPayload, CoachingError) as exc:
        return JsonResponse({"code": "bad_payload", "message": str(exc)}, status=400)
    except Exception:
        logger.exception("JaaS webhook for %s failed", provider)
        return JsonResponse({"code": "unavailable", "message": "retry later"}, status=503)
    return JsonResponse({"stored": new}, status=200)
