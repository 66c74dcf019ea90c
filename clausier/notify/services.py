"""Queueing messages and delivering them.

`enqueue` writes the row (rendered, with its Message-ID) in the caller's transaction;
`deliver_due` is the worker's loop body: it claims due rows one by one with a
conditional UPDATE, sends them through `clausier.notify.smtp`, and reschedules
failures with exponential backoff.

Secrets (an activation link) are never part of a stored body: the body keeps a random
placeholder, the value is kept encrypted (`clausier.core.crypto`) beside it, put back
only in the e-mail handed to the SMTP server, and erased once the server accepted it.
"""

from __future__ import annotations

import json
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.utils import formataddr, parseaddr
from typing import Any

from django.conf import settings
from django.db import transaction

from clausier.core import scheduler
from clausier.core.crypto import UnreadableSecret, random_marker
from clausier.notify import smtp
from clausier.notify.apps import DELIVERY_JOB
from clausier.notify.models import OutboxAttachment, OutboxMessage, OutboxStatus
from clausier.notify.templates import render, secret_keys

log = logging.getLogger(__name__)

BACKOFF_BASE = timedelta(seconds=30)
BACKOFF_MAX = timedelta(hours=1)
# A row left "sending" by a worker that died is taken again after this long.
STALE_CLAIM = timedelta(minutes=10)
DUE_STATUSES = (OutboxStatus.QUEUED, OutboxStatus.RETRYING)


def new_message_id() -> str:
    return f"<{secrets.token_hex(16)}@{settings.EMAIL_MESSAGE_ID_DOMAIN}>"


@dataclass(frozen=True)
class Attachment:
    """A file to send with a message: its name, full MIME type and bytes."""

    filename: str
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Draft:
    """One message to queue: what `enqueue` takes, for `enqueue_many`."""

    template: str
    to_email: str
    language: str
    context: dict[str, Any]
    idempotency_key: str
    provider: Any = None
    reply_to: str = ""
    auto_submitted: bool = True
    attachments: tuple[Attachment, ...] = ()


def _attach(message_ids: dict[str, int], drafts: list[Draft]) -> None:
    OutboxAttachment.objects.bulk_create(
        OutboxAttachment(
            message_id=message_ids[draft.idempotency_key],
            filename=attachment.filename,
            content_type=attachment.content_type,
            content=attachment.content,
        )
        for draft in drafts
        for attachment in draft.attachments
    )


def _row(draft: Draft, now: datetime) -> dict[str, Any]:
    """The outbox row of a draft, rendered; its secret values sealed, not in the body."""
    template, context = draft.template, draft.context
    markers = {key: random_marker(key) for key in secret_keys(template) if key in context}
    secrets_by_marker = {marker: str(context[key]) for key, marker in markers.items()}
    rendered = render(template, draft.language, {**context, **markers})
    for marker in secrets_by_marker:
        if marker not in rendered.body:
            # A template that transformed or dropped the value would send a broken link.
            raise ValueError(f"template {template!r} must show its secret values verbatim")
    from_email = settings.DEFAULT_FROM_EMAIL
    if draft.provider is not None:
        # The provider's name on our address; formataddr quotes names with commas or quotes.
        from_email = formataddr(
            (draft.provider.legal_name, parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        )
    return {
        "provider": draft.provider,
        "template": template,
        "language": draft.language,
        "from_email": from_email,
        "to_email": draft.to_email,
        "reply_to": draft.reply_to,
        "subject": rendered.subject,
        "body": rendered.body,
        "sensitive": bool(secrets_by_marker),
        "sealed_secrets": json.dumps(secrets_by_marker) if secrets_by_marker else "",
        "message_id": new_message_id(),
        "auto_submitted": draft.auto_submitted,
        "status": OutboxStatus.QUEUED,
        "next_attempt_at": now,
        "created_at": now,
    }


def enqueue(
    *,
    template: str,
    to_email: str,
    language: str,
    context: dict[str, Any],
    idempotency_key: str,
    now: datetime,
    provider: Any = None,
    reply_to: str = "",
    auto_submitted: bool = True,
    attachments: tuple[Attachment, ...] = (),
) -> OutboxMessage:
    """Queue a message once: a second call with the same key returns the first row."""
    existing = OutboxMessage.objects.filter(idempotency_key=idempotency_key).first()
    if existing is not None:
        return existing
    draft = Draft(
        template,
        to_email,
        language,
        context,
        idempotency_key,
        provider,
        reply_to,
        auto_submitted,
        attachments,
    )
    defaults = _row(draft, now)
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            idempotency_key=idempotency_key, defaults=defaults
        )
        if created:
            _attach({idempotency_key: message.pk}, [draft])
            _deliver_after_commit()
    return message


def enqueue_many(drafts: list[Draft], now: datetime) -> int:
    """Queue many messages in two queries, each once per key; returns how many were new.

    For batch jobs (reminders): the query count does not grow with the batch. A key
    queued concurrently by another process is skipped by the unique constraint.
    """
    keys = [draft.idempotency_key for draft in drafts]
    known = set(
        OutboxMessage.objects.filter(idempotency_key__in=keys).values_list(
            "idempotency_key", flat=True
        )
    )
    rows: dict[str, OutboxMessage] = {}
    for draft in drafts:
        if draft.idempotency_key not in known and draft.idempotency_key not in rows:
            rows[draft.idempotency_key] = OutboxMessage(
                idempotency_key=draft.idempotency_key, **_row(draft, now)
            )
    # The messages and their files together; inside a caller's transaction (a reminder
    # batch) no savepoint of its own: a failure aborts the caller's batch anyway.
    with transaction.atomic(savepoint=False):
        OutboxMessage.objects.bulk_create(list(rows.values()), ignore_conflicts=True)
        with_files = [d for d in drafts if d.attachments and d.idempotency_key in rows]
        if with_files:
            # ignore_conflicts returns no primary keys: read back the rows just written
            # (by their Message-ID, which no concurrent writer shares).
            ids = dict(
                OutboxMessage.objects.filter(
                    message_id__in=[rows[d.idempotency_key].message_id for d in with_files]
                ).values_list("idempotency_key", "pk")
            )
            _attach(ids, [d for d in with_files if d.idempotency_key in ids])
    if rows:
        _deliver_after_commit()
    return len(rows)


def _deliver_after_commit() -> None:
    """Wake this process's outbox delivery once the queued message is committed (`clausier
    run`, where the monitor's alerts are queued too); in a process without a scheduler the
    delivery finds the message at its next period."""
    transaction.on_commit(lambda: scheduler.wake(DELIVERY_JOB))


def backoff(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, 4 min… capped at one hour."""
    delay: timedelta = BACKOFF_BASE * (2 ** max(attempts - 1, 0))
    return min(delay, BACKOFF_MAX)


def release_stale_claims(now: datetime) -> int:
    return OutboxMessage.objects.filter(
        status=OutboxStatus.SENDING, claimed_at__lt=now - STALE_CLAIM
    ).update(status=OutboxStatus.RETRYING, claimed_at=None)


def claim(message_id: int, now: datetime) -> bool:
    """Take one row for sending; True only for the one worker whose UPDATE changed it."""
    changed = OutboxMessage.objects.filter(
        pk=message_id, status__in=DUE_STATUSES, next_attempt_at__lte=now
    ).update(status=OutboxStatus.SENDING, claimed_at=now)
    return changed == 1


def deliver_due(now: datetime, limit: int | None = None) -> dict[str, int]:
    """Send every due message once; returns counts by outcome."""
    release_stale_claims(now)
    limit = limit or settings.OUTBOX_BATCH_SIZE
    due_ids = list(
        OutboxMessage.objects.filter(status__in=DUE_STATUSES, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "id")
        .values_list("id", flat=True)[:limit]
    )
    counts = {"sent": 0, "retrying": 0, "failed": 0}
    connection = None
    for message_id in due_ids:
        if not claim(message_id, now):
            continue
        message = OutboxMessage.objects.get(pk=message_id)
        try:
            body = body_to_send(message)
        except UnreadableSecret as exc:
            counts[_record_failure(message, str(exc), now, final=True)] += 1
            continue
        try:
            if connection is None:
                connection = smtp.open_connection()
            smtp.send(message, connection, body=body)
        except smtp.DeliveryError as exc:
            smtp.close_quietly(connection)
            connection = None
            counts[_record_failure(message, str(exc), now)] += 1
            continue
        OutboxMessage.objects.filter(pk=message.pk).update(
            status=OutboxStatus.SENT,
            sent_at=now,
            attempts=message.attempts + 1,
            last_error="",
            claimed_at=None,
            # Delivered: the secret now lives only in the recipient's mailbox.
            sealed_secrets="",
        )
        counts["sent"] += 1
    smtp.close_quietly(connection)
    return counts


def body_to_send(message: OutboxMessage) -> str:
    """The stored body with its placeholders replaced by the decrypted secrets."""
    body = message.body
    if message.sensitive:
        sealed = message.sealed_secrets
        if not sealed:
            raise UnreadableSecret("the secret of this message was erased: send a new one")
        for marker, value in json.loads(sealed).items():
            body = body.replace(marker, value)
    return body


def _record_failure(message: OutboxMessage, error: str, now: datetime, final: bool = False) -> str:
    attempts = message.attempts + 1
    if final or attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        status, next_at = OutboxStatus.FAILED, message.next_attempt_at
        log.error("message %s failed for good after %s attempts: %s", message.pk, attempts, error)
    else:
        status, next_at = OutboxStatus.RETRYING, now + backoff(attempts)
        log.warning(
            "message %s: attempt %s failed, retry at %s: %s", message.pk, attempts, next_at, error
        )
    OutboxMessage.objects.filter(pk=message.pk).update(
        status=status,
        attempts=attempts,
        next_attempt_at=next_at,
        last_error=error[:2000],
        claimed_at=None,
    )
    return "failed" if status == OutboxStatus.FAILED else "retrying"


def retry_now(message: OutboxMessage, now: datetime) -> None:
    """Staff action: put a failed message back in the queue."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.RETRYING, next_attempt_at=now, attempts=0
    )
