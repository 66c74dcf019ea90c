"""core.formatting: one place for dates, amounts, numbers and percentages in fr, de, en."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from clausier.core import formatting

NNBSP, NBSP = "\u202f", "\u00a0"


def test_money_has_thousands_separators_per_language():
    amount = Decimal("1234567.5")
    assert formatting.format_money(amount, "EUR", "fr") == f"1{NNBSP}234{NNBSP}567,50{NBSP}€"
    assert formatting.format_money(amount, "EUR", "de") == f"1.234.567,50{NBSP}€"
    assert formatting.format_money(amount, "EUR", "en") == "€1,234,567.50"
    assert formatting.format_money(Decimal("-75"), "EUR", "en") == "-€75.00"


def test_the_language_defaults_to_the_active_one_then_french():
    with translation.override("de"):
        assert formatting.format_money(Decimal(5), "EUR") == f"5,00{NBSP}€"
    with translation.override("es"):
        assert formatting.language() == "fr"
    assert formatting.language("en-gb") == "en"


def test_dates_numbers_and_percentages():
    day = date(2026, 11, 22)
    assert formatting.format_date(day, "fr") == "22 novembre 2026"
    assert formatting.format_date(day, "de", "numeric") == "22.11.2026"
    assert formatting.format_date(day, "en", "numeric") == "22/11/2026"
    assert formatting.format_number(Decimal("1.5000"), "de") == "1,5"
    assert formatting.format_number(Decimal(12000), "en", places=2) == "12,000.00"
    assert formatting.format_percent(Decimal("5.50"), "fr") == f"5,50{NBSP}%"
    assert formatting.format_percent(Decimal("20"), "en") == "20.00%"
    with pytest.raises(TypeError, match="format_datetime"):
        formatting.format_date(datetime(2026, 1, 1, tzinfo=UTC), "fr")


def test_a_moment_is_shown_in_the_zone_given():
    moment = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)
    paris = formatting.format_datetime(moment, ZoneInfo("Europe/Paris"), "fr", "short")
    assert paris.startswith("01/04/2026") and "01:30" in paris
    german = formatting.format_datetime(moment, ZoneInfo("Europe/Paris"), "de", "day_and_time")
    assert german == "1. April 2026, 01:30"
    with pytest.raises(ValueError, match="aware"):
        formatting.format_datetime(datetime(2026, 3, 31), ZoneInfo("UTC"), "fr")


def test_the_template_filters_follow_the_active_language():
    template = Template(
        "{% load formatting %}{{ a|money }} · {{ d|local_date }} · {{ r|percent }} · {{ q|number }}"
    )
    context = Context({"a": Decimal("1234.5"), "d": date(2026, 4, 1), "r": "20", "q": 3})
    with translation.override("en"):
        assert template.render(context) == "€1,234.50 · 1 April 2026 · 20.00% · 3"
    with translation.override("de"):
        assert template.render(context) == f"1.234,50{NBSP}€ · 1. April 2026 · 20,00{NBSP}% · 3"
