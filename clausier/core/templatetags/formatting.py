"""Template filters over core.formatting, in the active language (the mail's recipient's,
the page's or the document's):

    {% load formatting %}
    {{ balance|money }}  {{ balance|money:"CHF" }}  {{ due_on|local_date }}
    {{ due_on|local_date:"short" }}  {{ rate|percent }}  {{ quantity|number }}
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import template

from clausier.core import formatting

register = template.Library()


def _decimal(value: Decimal | int | str) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


@register.filter
def money(amount: Decimal | int | str, currency: str = "EUR") -> str:
    return formatting.format_money(_decimal(amount), currency)


@register.filter
def local_date(day: date, form: str = "long") -> str:
    return formatting.format_date(day, form=form)


@register.filter
def percent(rate: Decimal | int | str) -> str:
    return formatting.format_percent(_decimal(rate))


@register.filter
def number(value: Decimal | int | str) -> str:
    return formatting.format_number(_decimal(value))
