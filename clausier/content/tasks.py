"""Content's background work: the daily digest of new posts (a scheduler job of `now`)."""

from __future__ import annotations

from datetime import datetime

from clausier.content import services


def send_digests(now: datetime) -> int:
    return services.send_digests(now)
