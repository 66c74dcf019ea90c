"""`clausier coaching_mail_in --provider SLUG < message.eml`: one raw message from a pipe
(the MTA alias of COACHING_MAIL_IN_ADDRESS, or a filter on the coach's mailbox) becomes a
change request for the coach (coaching art. 10.1, 10.3), dated when it is read here."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clausier.accounts.models import Provider
from clausier.coaching.mailin import ingest


class Command(BaseCommand):
    help = "Ingest one e-mail from standard input as a coaching change request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--provider", required=True, help="the provider's slug")

    def handle(self, *args: Any, **options: Any) -> None:
        provider = Provider.objects.filter(slug=options["provider"]).first()
        if provider is None:
            raise CommandError(f"unknown provider {options['provider']!r}")
        raw = sys.stdin.buffer.read()
        if not raw.strip():
            raise CommandError("no message on standard input")
        outcome = ingest(raw, provider, timezone.now())
        self.stdout.write(f"{outcome.action} {outcome.request_id or outcome.reason}".strip())
