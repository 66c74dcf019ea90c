"""The outbox a person may read: their providers' messages, for staff only."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from clausier.accounts.scoping import staff_provider_ids
from clausier.notify.models import OutboxMessage


def visible_outbox(person: Any) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(provider_id__in=staff_provider_ids(person))


def queued_since(*, template: str, to_email: str, since: datetime) -> int:
    """Messages of `template` queued to `to_email` since `since` (accounts.mail's counter)."""
    return OutboxMessage.objects.filter(
        template=template, to_email__iexact=to_email, created_at__gte=since
    ).count()
