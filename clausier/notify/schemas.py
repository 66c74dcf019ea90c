"""API payloads of notify: the outbox as staff read it."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class OutboxOut(Schema):
    id: int
    to_email: str
    language: str
    template: str
    subject: str
    status: str
    attempts: int
    message_id: str
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str
