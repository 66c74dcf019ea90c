"""Money is Decimal in euros, rounded half-up to the cent per line."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def to_cents(amount: Decimal | int | str) -> Decimal:
    """Round an amount half-up to the cent. Floats are refused: they carry binary error."""
    if isinstance(amount, float):
        raise TypeError("money amounts must be Decimal, int or str, never float")
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal) -> str:
    """The two-decimal string used in JSON output: '1234.50'."""
    return str(to_cents(amount))
