"""The shape shared by the `*_imap_poll` commands (support desk, coaching change
requests): the mailbox options, the provider by slug, the password from an environment
variable (or its `_FILE`), never from the command line; the app supplies its `poll`."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clausier.accounts.models import Provider
from clausier.core.env import env_secret
from clausier.notify.imap import Mailbox


class ImapPollCommand(BaseCommand):
    password_env = ""  # e.g. SUPPORT_IMAP_PASSWORD

    def poll(self, mailbox: Mailbox, provider: Provider, now: datetime) -> Counter[str]:
        raise NotImplementedError

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", required=True)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=143)
        parser.add_argument("--user", required=True)
        parser.add_argument("--folder", default="INBOX")
        parser.add_argument("--ssl", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Provider.objects.filter(slug=options["provider"]).first()
        if provider is None:
            raise CommandError(f"unknown provider {options['provider']!r}")
        mailbox = Mailbox(
            options["host"],
            options["port"],
            options["user"],
            env_secret(self.password_env) or "",
            options["folder"],
            options["ssl"],
        )
        outcomes = self.poll(mailbox, provider, timezone.now())
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "none")
