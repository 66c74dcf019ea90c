"""`clausier seed_billing --provider SLUG --count N --start DATE`: test and bench data."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from clausier.accounts.models import Provider
from clausier.billing.seed import seed_subscriptions


class Command(BaseCommand):
    help = "Creates N clients with an active monthly subscription each (tests, benchmarks)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--provider", required=True)
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument("--start", required=True)

    def handle(self, *args: Any, provider: str, count: int, start: str, **options: Any) -> None:
        found = Provider.objects.filter(slug=provider).first()
        if found is None:
            raise CommandError(f"no provider {provider!r}")
        if count < 1:
            raise CommandError("--count must be at least 1")
        try:
            start_date = date.fromisoformat(start)
        except ValueError:
            raise CommandError(f"--start must be a date YYYY-MM-DD, not {start!r}") from None
        seed_subscriptions(found, count, start_date, timezone.now())
        self.stdout.write(f"{count} subscriptions seeded for {found.slug}")
