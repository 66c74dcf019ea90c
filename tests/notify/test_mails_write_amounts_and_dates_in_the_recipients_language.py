"""Mails are rendered in the recipient's language, and so are their amounts and dates:
the same reminder reads 1 234,50 € in French, 1.234,50 € in German, €1,234.50 in English."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from clausier.notify.templates import render

NNBSP, NBSP = "\u202f", "\u00a0"

REMINDER = {
    "provider": "Kestio",
    "number": "F2026-000042",
    "due_on": date(2026, 4, 1),
    "days_late": 8,
    "balance": Decimal("1234.50"),
}


@pytest.mark.parametrize(
    ("language", "amount", "day"),
    [
        ("fr", f"1{NNBSP}234,50{NBSP}€", "1 avril 2026"),
        ("de", f"1.234,50{NBSP}€", "1. April 2026"),
        ("en", "€1,234.50", "1 April 2026"),
    ],
)
def test_the_reminder_follows_the_recipients_formats(language, amount, day):
    body = render("payment_reminder", language, REMINDER).body
    assert amount in body
    assert day in body
    assert "1234.50" not in body and "01/04/2026" not in body


def test_an_unsupported_language_falls_back_to_french_formats():
    assert f"1{NNBSP}234,50{NBSP}€" in render("payment_reminder", "es", REMINDER).body


@pytest.mark.parametrize(
    ("language", "old", "new", "day"),
    [
        ("fr", f"390,00{NBSP}€", f"420,00{NBSP}€", "5 juin 2026"),
        ("de", f"390,00{NBSP}€", f"420,00{NBSP}€", "5. Juni 2026"),
        ("en", "€390.00", "€420.00", "5 June 2026"),
    ],
)
def test_the_price_increase_follows_the_recipients_formats(language, old, new, day):
    context = {
        "provider": "Kestio",
        "label": "Coaching",
        "old_price": Decimal("390.00"),
        "new_price": Decimal("420.00"),
        "applies_from": date(2026, 6, 5),
        "clause": "Art. 8.1",
    }
    message = render("price_increase", language, context)
    assert old in message.body and new in message.body and day in message.body
    assert message.subject.endswith(day)
