"""Polling the provider's support mailbox over IMAP: each unseen message is ingested,
then flagged \\Seen, so that a poll killed midway takes up the rest next time (and a
message ingested but not yet flagged is recognised by its Message-ID)."""

from __future__ import annotations

import imaplib
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from clausier.accounts.models import Provider
from clausier.support.services.mailin import ingest


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = False


def poll(mailbox: Mailbox, provider: Provider, now: datetime, limit: int = 500) -> Counter[str]:
    """Ingest up to `limit` unseen messages; the count of each outcome."""
    outcomes: Counter[str] = Counter()
    client_class = imaplib.IMAP4_SSL if mailbox.ssl else imaplib.IMAP4
    with client_class(mailbox.host, mailbox.port, timeout=30) as imap:
        imap.login(mailbox.user, mailbox.password)
        imap.select(mailbox.folder)
        _status, data = imap.uid("SEARCH", "UNSEEN")
        uids = [u.decode() for u in (data[0] or b"").split()[:limit]]
        for uid in uids:
            _status, parts = imap.uid("FETCH", uid, "(BODY.PEEK[])")
            raw = next((p[1] for p in parts if isinstance(p, tuple)), b"")
            outcomes[ingest(raw, provider, now).action] += 1
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return outcomes
