"""What a scenario may be, at most: bounds on size, shape and numbers.

A scenario comes from whoever can run the command or post to the API, so each bound
keeps one kind of input from costing unbounded time or memory, or from reaching a rule
with a number no contract can mean. Each bound is checked as early as the information
exists: the size before reading, nesting and counts while the YAML is parsed (before any
tree is built), amounts and dates when the value is read. See docs/simulator.md.
"""

from __future__ import annotations

from decimal import Decimal

# 10 MiB: a 100,000-event scenario of one-line events is about 9 MB.
MAX_BYTES = 10 * 1024 * 1024
MAX_EVENTS = 100_000
# Collections inside collections. A scenario needs three (the file, its event list, an
# event); the margin is for lists inside events. The YAML composer recurses per level:
# bounding it before composing is what keeps a deep file from crashing the parser.
MAX_DEPTH = 50
# Fields of one mapping (an event has at most ten).
MAX_FIELDS = 64
# Keys, values and collections in all: 100,000 events of twelve fields.
MAX_NODES = 2_500_000
# Characters of one value or field name: ids are at most 64, instants about 30.
MAX_SCALAR_CHARS = 200
# Amounts in euros, and any other number: strictly below 10^12.
MAX_NUMBER = Decimal(10) ** 12
# Calendar years a date or an instant may fall in (the euro, the ECB rate table and
# the holiday calendars all start after 1999; rules add years, never centuries).
FIRST_YEAR = 2000
LAST_YEAR = 2199


def shorten(text: str, size: int = 40) -> str:
    """A field name or value as a message may quote it: one line, never a whole file."""
    flat = " ".join(text.split())
    return flat if len(flat) <= size else flat[: size - 1] + "…"
