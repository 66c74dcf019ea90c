"""`clausier coaching_imap_poll --provider SLUG --host H --port P --user U`: the unseen
messages of the coaching mailbox become change requests (art. 10.1, 10.3), each dated
when our mail server stored it. The password comes from COACHING_IMAP_PASSWORD or
COACHING_IMAP_PASSWORD_FILE, never from the command line."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clausier.accounts.models import Provider
from clausier.coaching.mailin import poll
from clausier.core.env import env_secret
from clausier.notify.imap import Mailbox


class Command(BaseCommand):
    help = "Poll a provider's coaching mailbox over IMAP for change requests."

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
            env_secret("COACHING_IMAP_PASSWORD") or "",
            options["folder"],
            options["ssl"],
        )
        outcomes = poll(mailbox, provider, timezone.now())
        self.stdout.write(" ".join(f"{k}={v}" for k, v in sorted(outcomes.items())) or "none")
