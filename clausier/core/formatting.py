"""Dates, amounts, numbers and percentages as French, German and English readers write them.

One place for the formats of mails, invoice PDFs and pages (babel's CLDR data):

    format_money(Decimal("1234.50"), "EUR", "fr")  -> "1 234,50 €"   (narrow no-break spaces)
    format_money(Decimal("1234.50"), "EUR", "de")  -> "1.234,50 €"
    format_money(Decimal("1234.50"), "EUR", "en")  -> "€1,234.50"
    format_date(date(2026, 4, 1), "de")            -> "1. April 2026"

Every function takes the language explicitly; None means the active Django language
(`translation.override` when a mail is rendered for its recipient), French when it is
none of ours. Template filters of the same names are in core/templatetags/formatting.py.
A moment is shown in a zone the caller gives (the contract's, see core/calendar.py):
this module, like the rest of core, imports nothing of the other apps.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from decimal import Decimal
from functools import cache, lru_cache

from babel import Locale
from babel import dates as babel_dates
from babel import numbers as babel_numbers
from django.utils import translation

LANGUAGES = ("fr", "de", "en")
DEFAULT_LANGUAGE = "fr"
# en_GB rather than en (US): day before month, as an invoice for a European client reads.
BABEL_LOCALES = {"fr": "fr_FR", "de": "de_DE", "en": "en_GB"}
# "numeric": all digits, four-digit year (CLDR's short German form has a two-digit year).
NUMERIC_DATE = {"fr": "dd/MM/yyyy", "de": "dd.MM.yyyy", "en": "dd/MM/yyyy"}


def language(requested: str | None = None) -> str:
    """fr, de or en: the requested language, else the active one, else French."""
    code = (requested or translation.get_language() or DEFAULT_LANGUAGE).split("-")[0].lower()
    return code if code in LANGUAGES else DEFAULT_LANGUAGE


def babel_locale(requested: str | None = None) -> str:
    return BABEL_LOCALES[language(requested)]


@cache
def _parsed(locale: str) -> Locale:
    """The parsed locale, kept: babel parses a locale name on every call otherwise, half
    the cost of formatting an amount (a list of 50 invoices formats 100)."""
    return Locale.parse(locale)


def format_date(day: date, lang: str | None = None, form: str = "long") -> str:
    """`form`: "numeric" (22/11/2026, 22.11.2026), a CLDR width (short, medium, long,
    full) or a CLDR pattern."""
    if isinstance(day, datetime):
        raise TypeError("format_date takes a date; give a moment to format_datetime with a zone")
    code = language(lang)
    pattern = NUMERIC_DATE[code] if form == "numeric" else form
    return _date(day, pattern, BABEL_LOCALES[code])


@lru_cache(maxsize=4096)
def _date(day: date, pattern: str, locale: str) -> str:
    # Kept: pages repeat the same few days (due dates, periods), ~15 us each in babel.
    return str(babel_dates.format_date(day, format=pattern, locale=_parsed(locale)))


def format_datetime(
    moment: datetime, zone: tzinfo, lang: str | None = None, form: str = "medium"
) -> str:
    """An aware moment as the clock reads in `zone` (the contract's zone, given by the caller).

    `form`: a CLDR width or pattern, or "day_and_time" (the long date and the hour and
    minute, joined as the language joins them: "1 avril 2026, 01:30").
    """
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("format_datetime needs an aware datetime")
    local = moment.astimezone(zone)
    locale = babel_locale(lang)
    if form == "day_and_time":
        glue = str(babel_dates.get_datetime_format("long", locale=locale))
        day = babel_dates.format_date(local.date(), format="long", locale=locale)
        clock = babel_dates.format_time(local, format="short", locale=locale)
        return glue.replace("{1}", str(day)).replace("{0}", str(clock))
    return str(babel_dates.format_datetime(local, format=form, locale=locale))


def format_money(amount: Decimal, currency: str = "EUR", lang: str | None = None) -> str:
    """An amount with its currency sign and thousands separators, two decimals for EUR."""
    return _money(amount, currency, babel_locale(lang))


@lru_cache(maxsize=8192)
def _money(amount: Decimal, currency: str, locale: str) -> str:
    # Kept: a page repeats the same few amounts (a plan's price on every invoice), and
    # babel's pattern engine costs ~70 us an amount. The currency fixes the decimals, so
    # equal Decimals (1.5 and 1.50) have the same text.
    return str(babel_numbers.format_currency(amount, currency, locale=_parsed(locale)))


def format_number(value: Decimal | int, lang: str | None = None, places: int | None = None) -> str:
    """Thousands separators; `places` fixes the decimals, None keeps the value's own."""
    if places is None:
        exponent = Decimal(value).normalize().as_tuple().exponent
        places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    pattern = "#,##0." + "0" * places if places else "#,##0"
    return str(
        babel_numbers.format_decimal(value, format=pattern, locale=_parsed(babel_locale(lang)))
    )


def format_percent(rate: Decimal, lang: str | None = None, places: int = 2) -> str:
    """A rate given in percent (Decimal("20.00") -> "20,00 %" in French, "20.00%" in English).

    French and German put a no-break space before the sign, English does not (CLDR).
    """
    code = language(lang)
    separator = "" if code == "en" else "\u00a0"
    return f"{format_number(rate, code, places)}{separator}%"
