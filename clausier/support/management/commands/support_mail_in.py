"""`clausier support_mail_in --provider SLUG < message.eml`: one raw message from a pipe
(an MTA's alias or a maildrop filter) into the provider's support desk."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from clausier.accounts.models import Provider
from clausier.support.services.mailin import ingest


class Command(BaseCommand):
    help = "Ingest one e-mail from standard input into a provider's support desk."

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
        self.stdout.write(f"{outcome.action} {outcome.ticket_id or ''}".strip())
