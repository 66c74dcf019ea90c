"""Polling the provider's support mailbox over IMAP (`clausier.notify.imap`): each unseen
message is ingested as received when our mail server stored it (INTERNALDATE, at most the
poll's `now`: the art. 5 acknowledgement clock starts at reception, not at the poll), then
flagged \\Seen."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from clausier.accounts.models import Provider
from clausier.notify import imap
from clausier.notify.imap import Mailbox
from clausier.support.services.mailin import ingest

__all__ = ["Mailbox", "poll"]


def poll(mailbox: Mailbox, provider: Provider, now: datetime, limit: int = 500) -> Counter[str]:
    """Ingest up to `limit` unseen messages; the count of each outcome."""
    return imap.poll(
        mailbox, lambda raw, stored_at: ingest(raw, provider, stored_at).action, now, limit
    )
