"""The outbox a person may read: their providers' messages, for staff only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from clausier.accounts.scoping import staff_provider_ids
from clausier.notify.models import OutboxMessage


def visible_outbox(person: Any) -> QuerySet[OutboxMessage]:
    return OutboxMessage.objects.filter(provider_id__in=staff_provider_ids(person))
