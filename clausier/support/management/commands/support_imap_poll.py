"""`clausier support_imap_poll --provider SLUG --host H --port P --user U`: ingest the
unseen messages of the support mailbox (the password from SUPPORT_IMAP_PASSWORD or
SUPPORT_IMAP_PASSWORD_FILE, never on the command line)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from clausier.accounts.models import Provider
from clausier.notify.imap import Mailbox
from clausier.notify.imap_command import ImapPollCommand
from clausier.support.services.imap import poll


class Command(ImapPollCommand):
    help = "Poll a provider's support mailbox over IMAP."
    password_env = "SUPPORT_IMAP_PASSWORD"

    def poll(self, mailbox: Mailbox, provider: Provider, now: datetime) -> Counter[str]:
        return poll(mailbox, provider, now)
