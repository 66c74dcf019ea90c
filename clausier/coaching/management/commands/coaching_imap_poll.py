"""`clausier coaching_imap_poll --provider SLUG --host H --port P --user U`: the unseen
messages of the coaching mailbox become change requests (art. 10.1, 10.3), each dated
when our mail server stored it. The password comes from COACHING_IMAP_PASSWORD or
COACHING_IMAP_PASSWORD_FILE, never from the command line."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from clausier.accounts.models import Provider
from clausier.coaching.mailin import poll
from clausier.notify.imap import Mailbox
from clausier.notify.imap_command import ImapPollCommand


class Command(ImapPollCommand):
    help = "Poll a provider's coaching mailbox over IMAP for change requests."
    password_env = "COACHING_IMAP_PASSWORD"

    def poll(self, mailbox: Mailbox, provider: Provider, now: datetime) -> Counter[str]:
        return poll(mailbox, provider, now)
