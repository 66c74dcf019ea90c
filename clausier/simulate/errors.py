"""The one error a scenario can raise: where (line, field) and what is wrong."""

from __future__ import annotations

from clausier.simulate.limits import shorten


class ScenarioError(ValueError):
    """A scenario that cannot be run. The command prints it and exits with code 2."""

    def __init__(self, source: str, line: int | None, field: str | None, message: str) -> None:
        self.source = source
        self.line = line
        self.field = field
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.source
        if self.line is not None:
            where += f", line {self.line}"
        if self.field:
            where += f", field '{shorten(self.field, 60)}'"
        # One line, always: the command prints it as the whole diagnostic.
        return f"{where}: {self.message}".replace("\n", " ")
