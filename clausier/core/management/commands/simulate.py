"""`clausier simulate SCENARIO.yaml` (or `-` for stdin): replay a scenario, print JSON.

The engine runs inside a transaction that is always rolled back, so that services which
write to the database can join the simulator without ever leaving a trace. A bad
scenario prints an error naming its line and field and exits with code 2.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clausier.simulate import ScenarioError, load_scenario, run
from clausier.simulate.output import JsonValue, dumps
from clausier.simulate.schema import prepare_memory_database

BAD_SCENARIO = 2


class _RollBack(Exception):
    """Raised at the end of every run: the simulation never commits anything."""


class Command(BaseCommand):
    help = "Replays a scenario (YAML file, or - for stdin) and prints the results as JSON."
    # The system checks import every URLconf, hence the API and the PDF stack: seconds
    # for a command that serves no request. `clausier check` runs them.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("scenario", help="path of a scenario YAML file, or - for stdin")

    def handle(self, *args: Any, scenario: str, **options: Any) -> None:
        text, source = self._read(scenario)
        if settings.DATABASES["default"]["NAME"] == ":memory:":
            # The throwaway database (see clausier.cli): give it the schema first.
            schema = prepare_memory_database()
            if options["verbosity"] >= 2:
                self.stderr.write(f"simulation database: schema {schema.value}")
        output: dict[str, JsonValue] = {}
        try:
            with transaction.atomic():
                output = run(load_scenario(text, source))
                raise _RollBack
        except _RollBack:
            pass
        except ScenarioError as error:
            raise CommandError(str(error), returncode=BAD_SCENARIO) from None
        self.stdout.write(dumps(output), ending="")

    def _read(self, scenario: str) -> tuple[str, str]:
        if scenario == "-":
            return sys.stdin.read(), "<stdin>"
        try:
            return Path(scenario).read_text(encoding="utf-8"), scenario
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {scenario}: {exc}", returncode=BAD_SCENARIO) from None
