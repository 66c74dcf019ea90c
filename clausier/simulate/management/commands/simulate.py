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

from clausier.simulate import ScenarioError, load_scenario
from clausier.simulate.engine import run
from clausier.simulate.limits import MAX_BYTES
from clausier.simulate.output import JsonValue, dumps
from clausier.simulate.schema import prepare_memory_database
from clausier.simulate.tree import check_size

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
        """The text, read no further than the size limit (stdin or a device has no size)."""
        if scenario == "-":
            text, source = sys.stdin.read(MAX_BYTES + 1), "<stdin>"
        else:
            text, source = self._read_file(Path(scenario)), scenario
        try:
            check_size(text, source)
        except ScenarioError as error:
            raise CommandError(str(error), returncode=BAD_SCENARIO) from None
        return text, source

    def _read_file(self, path: Path) -> str:
        try:
            if path.is_file() and path.stat().st_size > MAX_BYTES:
                raise CommandError(
                    f"{path}: the scenario is over {MAX_BYTES:,} bytes (10 MiB), the limit",
                    returncode=BAD_SCENARIO,
                )
            with path.open("rb") as stream:
                data = stream.read(MAX_BYTES + 1)
            return data.decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"cannot read {path}: {exc}", returncode=BAD_SCENARIO) from None
