"""The one error a scenario can raise: where (line, field) and what is wrong."""

from __future__ import annotations

from clausier.core.errors import DomainError
from clausier.simulate.limits import shorten


class ScenarioError(DomainError, ValueError):
    """A scenario that cannot be run. The command prints it and exits with code 2."""

    code = "invalid_scenario"

    def __init__(self, source: str, line: int | None, field: str | None, message: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        # DomainError's message is what the API answers; str() adds where it is wrong.
        super().__init__(message)
        self.args = (str(self),)

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{shorten(self.field, 60)}'"
        # One line, always: the command prints it as the whole diagnostic.
        return f"{where}: {self.message}".replace("\n", " ")
