"""`clausier demo`: load the demo data (idempotent) and print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from clausier.demo.data import DEMO_PASSWORD, load_demo


class Command(BaseCommand):
    help = "Loads the demo providers, clients and people; prints how to log in as each."

    def handle(self, *args: Any, **options: Any) -> None:
        logins = load_demo()
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        width = max(len(login.email) for login in logins)
        for login in logins:
            self.stdout.write(f"  {login.email:<{width}}  {login.role} — {login.where}")
