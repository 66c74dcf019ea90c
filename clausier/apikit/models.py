"""What the API remembers between requests: answers to writes made with an idempotency key."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IdempotentRequest(models.Model):
    """A write made with an `Idempotency-Key`: the same key and request get this answer
    again, without doing the write twice; the same key with another request is refused.

    Keys are per provider (the tenant whose object the write changed), so two providers'
    clients never collide nor learn of each other's keys.
    """

    provider = models.ForeignKey("accounts.Provider", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=255)
    # SHA-256 of the method, path and body: what "the same request" means.
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "key"], name="idempotent_request_unique")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code})"
