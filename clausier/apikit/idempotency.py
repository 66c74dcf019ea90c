"""`Idempotency-Key` on API writes (the IETF httpapi draft, as Stripe does it).

Same key, same request: the first answer again (status and body), the write done once,
with `Idempotent-Replayed: true`. Same key, another request: 422. Only successful
answers are kept, so a refused request can be corrected and sent again with its key.
A key is remembered for `KEEP` (seven days, Stripe keeps its keys one): the hourly
`purge_expired` job forgets older ones, and the key may then be used for a new write.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Status

from clausier.apikit.models import IdempotentRequest
from clausier.core.errors import DomainError

HEADER = "Idempotency-Key"
# The header's documented form: printable ASCII, no spaces.
KEY_PATTERN = r"^[!-~]{1,255}$"
# How long an answer is kept for a retry with the same key.
KEEP = timedelta(days=7)


class IdempotencyKeyInUse(DomainError):
    """Answered 409: a concurrent request holds the key."""

    code = "idempotency_key_in_use"


class IdempotencyKeyReused(DomainError):
    """Answered 422 (the draft's "key reused with a different payload")."""

    code = "idempotency_key_reused"


def fingerprint(request: HttpRequest) -> str:
    digest = hashlib.sha256()
    for part in (request.method or "", request.path, request.body):
        digest.update(part if isinstance(part, bytes) else part.encode())
        digest.update(b"\0")
    return digest.hexdigest()


def once(
    request: HttpRequest,
    response: HttpResponse,
    *,
    key: str | None,
    provider: Model,
    now: datetime,
    write: Callable[[], tuple[int, dict[str, Any]]],
) -> Status[Any]:
    """Run `write` (which returns status and a JSON-able body) once per key.

    `provider` is the accounts.Provider whose object the write changes (typed as a
    model: the toolkit sits below accounts and imports none of it).
    """
    if key is None:
        return Status(*write())
    signature = fingerprint(request)
    with transaction.atomic():
        saved = IdempotentRequest.objects.filter(provider_id=provider.pk, key=key).first()
        if saved is None:
            status, body = write()
            try:
                with transaction.atomic():
                    IdempotentRequest.objects.create(
                        provider_id=provider.pk,
                        key=key,
                        fingerprint=signature,
                        status_code=status,
                        response=json.loads(json.dumps(body)),
                        person=getattr(request, "auth", None),
                        created_at=now,
                    )
            except IntegrityError:
                # A concurrent request with the same key won; its write stands, ours not.
                raise IdempotencyKeyInUse(
                    _("Une requête avec cette clé d'idempotence est déjà en cours.")
                ) from None
            return Status(status, body)
    if saved.fingerprint != signature:
        raise IdempotencyKeyReused(
            _("Cette clé d'idempotence a déjà servi pour une autre requête.")
        )
    response["Idempotent-Replayed"] = "true"
    return Status(saved.status_code, saved.response)


def purge_expired(now: datetime) -> int:
    """Forget the keys answered more than `KEEP` ago; returns how many were forgotten.

    A key answered exactly `KEEP` ago is still kept (the boundary belongs to the
    client's retry window)."""
    deleted, _by_model = IdempotentRequest.objects.filter(created_at__lt=now - KEEP).delete()
    return deleted
