"""Polling a mailbox over IMAP, for every app that reads one (the support desk, coaching
change requests): each unseen message is handed to the app's ingest, then flagged
\\Seen, so that a poll killed midway takes up the rest next time (and a message ingested
but not yet flagged is recognised by the app through its Message-ID).

Each message comes with the instant our mail server stored it (IMAP INTERNALDATE, set
on delivery by our server, not by the sender), never later than `now`: a deadline that
counts from reception (coaching art. 10.1's 48 hours) does not lose the poll interval.
"""

from __future__ import annotations

import imaplib
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

_INTERNALDATE = re.compile(rb'INTERNALDATE "([^"]+)"')


@dataclass(frozen=True)
class Mailbox:
    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    ssl: bool = False


def stored_at(fetch_line: bytes, now: datetime) -> datetime:
    """The INTERNALDATE of a FETCH answer, capped at `now`; `now` if it has none."""
    match = _INTERNALDATE.search(fetch_line)
    if match is None:
        return now
    try:
        stored = datetime.strptime(match.group(1).decode().strip(), "%d-%b-%Y %H:%M:%S %z")
    except ValueError:
        return now
    return min(stored, now)


def poll(
    mailbox: Mailbox,
    handle: Callable[[bytes, datetime], str],
    now: datetime,
    limit: int = 500,
) -> Counter[str]:
    """Hand up to `limit` unseen messages to `handle(raw, stored_at)`; count its answers."""
    outcomes: Counter[str] = Counter()
    client_class = imaplib.IMAP4_SSL if mailbox.ssl else imaplib.IMAP4
    with client_class(mailbox.host, mailbox.port, timeout=30) as imap:
        imap.login(mailbox.user, mailbox.password)
        imap.select(mailbox.folder)
        _status, data = imap.uid("SEARCH", "UNSEEN")
        uids = [u.decode() for u in (data[0] or b"").split()[:limit]]
        for uid in uids:
            _status, parts = imap.uid("FETCH", uid, "(INTERNALDATE BODY.PEEK[])")
            found = next((p for p in parts if isinstance(p, tuple)), (b"", b""))
            outcomes[handle(found[1], stored_at(found[0], now))] += 1
            imap.uid("STORE", uid, "+FLAGS", "(\\Seen)")
    return outcomes
