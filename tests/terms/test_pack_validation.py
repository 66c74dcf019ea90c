"""Invalid packs are refused at load, with a message naming the entry at fault."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from clausier.terms.packs import PackError, parse_pack

HEADER = """
[pack]
service_line = "demo"
version = "1.2"
title = "Demo terms"
source = "test"
language = "fr"
"""


def parse(body: str) -> object:
    return parse_pack(HEADER + body, "demo.toml")


def refused(body: str, message: str) -> None:
    with pytest.raises(PackError, match=message):
        parse(body)


def test_a_valid_minimal_pack_parses() -> None:
    pack = parse_pack(
        HEADER + '[notice.days]\narticle = "3"\ntitle = "Délais"\ndays = 15\n', "demo.toml"
    )
    assert pack.days("notice.days") == 15
    assert pack.entry("notice.days").article == "3"


def test_broken_toml_is_refused_with_the_source() -> None:
    with pytest.raises(PackError, match=r"demo.toml: invalid TOML"):
        parse_pack(HEADER + "[oops\n", "demo.toml")


def test_a_missing_header_is_refused() -> None:
    with pytest.raises(PackError, match=r"missing \[pack\]"):
        parse_pack('[a]\narticle = "1"\ntitle = "t"\ndays = 1\n', "x.toml")


def test_a_header_field_missing_is_refused() -> None:
    with pytest.raises(PackError, match="'language' must be a non-empty string"):
        parse_pack(HEADER.replace('language = "fr"', ""), "x.toml")


def test_a_bad_version_is_refused() -> None:
    with pytest.raises(PackError, match="dotted integers"):
        parse_pack(HEADER.replace('"1.2"', '"v1"') + "[a]\narticle='1'\ntitle='t'\ndays=1\n")


def test_an_empty_pack_is_refused() -> None:
    refused("", "no entries")


def test_an_entry_without_title_is_refused_and_named() -> None:
    refused('[gti.deadline]\narticle = "5"\nhours = 3\n', r"entry 'gti.deadline': 'title'")


def test_an_entry_with_two_values_is_refused() -> None:
    refused(
        '[gti.deadline]\narticle = "5"\ntitle = "t"\nhours = 3\nminutes = 4\n',
        r"entry 'gti.deadline': needs exactly one value key",
    )


def test_an_entry_without_value_is_refused() -> None:
    refused('[gti.deadline]\narticle = "5"\ntitle = "t"\n', "needs exactly one value key")


def test_an_unknown_key_is_refused() -> None:
    refused(
        '[gti.deadline]\narticle = "5"\ntitle = "t"\nhours = 3\nhorus = 4\n',
        r"entry 'gti.deadline': unknown keys \['horus'\]",
    )


def test_a_loose_value_outside_an_entry_is_refused() -> None:
    refused("[gti]\nhours = 3\n", r"'gti.hours' is not an entry")


def test_a_numeric_article_is_refused() -> None:
    refused("[a]\narticle = 5\ntitle = 't'\nhours = 3\n", "'article' must be a string")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("days = -1", "non-negative integer"),
        ("days = 1.5", "non-negative integer"),
        ("count = true", "non-negative integer"),
        ("months = '3'", "non-negative integer"),
        ("hours = 'three'", "must be a number"),
        ("minutes = 0.001", "whole number of seconds"),
        ("percent = 101", "between 0 and 100"),
        ("decimal = nan", "finite number"),
        ("hours = inf", "finite number"),
        ("amount = 1.234", "at most 2 decimals"),
        ("amount = -3", "non-negative euros"),
        ("text = ''", "non-empty string"),
        ("texts = ['a', 2]", "list of non-empty strings"),
        ("flag = 'yes'", "true or false"),
        ("date = 2022-08-01T00:00:00", "TOML date"),
    ],
)
def test_values_of_the_wrong_shape_are_refused(value: str, message: str) -> None:
    refused(f"[x.y]\narticle = '1'\ntitle = 't'\n{value}\n", rf"entry 'x.y': .*{message}")


def test_decimal_values_are_exact() -> None:
    pack = parse_pack(HEADER + "[i]\narticle='8.2'\ntitle='t'\ndecimal = 0.97975\n")
    assert pack.decimal("i") == Decimal("0.97975")


def test_fractional_hours_become_exact_durations() -> None:
    pack = parse_pack(HEADER + "[d]\narticle='1'\ntitle='t'\nhours = 1.5\n")
    assert pack.duration("d") == timedelta(minutes=90)


TIERS = "[t]\narticle='14'\ntitle='SLA'\nunit = '{unit}'\ntiers = [{tiers}]\n"


@pytest.mark.parametrize(
    ("unit", "tiers", "message"),
    [
        ("days", "{ at_least = 1, percent = 10 }", "unit = 'hours' or 'percent'"),
        ("hours", "", "non-empty list"),
        ("hours", "{ at_least = 1 }", "tier 1 needs exactly one of"),
        ("hours", "{ at_least = 1, over = 2, percent = 5 }", "tier 1 needs exactly one of"),
        ("hours", "{ at_least = 1, percent = 120 }", "between 0 and 100"),
        (
            "hours",
            "{ at_least = 3, percent = 10 }, { at_least = 1, percent = 20 }",
            "strictly increasing",
        ),
        (
            "hours",
            "{ at_least = 1, percent = 20 }, { at_least = 3, percent = 10 }",
            "worse tier",
        ),
        (
            "percent",
            "{ below = 90, percent = 10 }, { at_least = 95, percent = 5 }",
            "mix upward and downward",
        ),
    ],
)
def test_bad_tier_tables_are_refused(unit: str, tiers: str, message: str) -> None:
    refused(TIERS.format(unit=unit, tiers=tiers), rf"entry 't': .*{message}")


def test_unit_outside_tiers_is_refused() -> None:
    refused("[x]\narticle='1'\ntitle='t'\nunit='hours'\ndays=3\n", "only applies to tiers")


CAL = "[c]\narticle='2'\ntitle='Objet'\ncalendar = {{ {body} }}\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("weekdays = ['mon'], opens = '09:00', closes = '18:00', zone = 'Mars/Base'", "time zone"),
        ("weekdays = ['monday'], opens = '09:00', closes = '18:00'", "weekdays"),
        ("weekdays = ['mon'], opens = '18:00', closes = '09:00'", "start < end"),
        ("weekdays = ['mon'], opens = '9h', closes = '18:00'", "HH:MM"),
        ("weekdays = ['mon'], opens = '09:00', closes = '18:00', holidays = 'FR'", "true or false"),
        ("weekdays = ['mon'], opens = '09:00', closes = '18:00', colour = 'red'", "keys"),
    ],
)
def test_bad_calendars_are_refused(body: str, message: str) -> None:
    refused(CAL.format(body=body), rf"entry 'c': .*{message}")


def test_a_statute_can_be_cited_instead_of_the_contract() -> None:
    pack = parse_pack(
        HEADER + "[i]\narticle='Code de commerce, art. D441-5'\ntitle='Indemnité'\n"
        "contract = 'law'\namount = 40\n"
    )
    assert pack.clause("i").contract == "law"
    assert pack.clause("i").short == "Code de commerce, art. D441-5"
