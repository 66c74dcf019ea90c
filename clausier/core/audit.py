"""Writing to the audit log: one call per action, in the transaction of the action."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils import timezone

from clausier.core.models import AuditEntry


def record(
    action: str,
    obj: models.Model,
    *,
    actor: Any = None,
    provider: Any = None,
    client: Any = None,
    details: dict[str, Any] | None = None,
    ip_address: str | None = None,
) -> AuditEntry:
    """Append who did what to which object, at the server's time (managed hosting art. 8.3)."""
    return AuditEntry.objects.create(
        at=timezone.now(),
        provider=provider,
        client=client,
        actor=actor if getattr(actor, "pk", None) else None,
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        details=details or {},
        ip_address=ip_address,
    )
