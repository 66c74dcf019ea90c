"""The audit log a person may read: their providers' entries, for staff only."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from clausier.accounts.scoping import staff_provider_ids
from clausier.core.models import AuditEntry


def visible_audit_entries(person: Any) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(provider_id__in=staff_provider_ids(person))
