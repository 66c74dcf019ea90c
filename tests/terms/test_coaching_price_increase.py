"""A price increase is announced three months before it applies (art. 8.1)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import earliest_day_with_notice, price_increase

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("announced", "respected"),
    [(at(2025, 3, 14), True), (at(2025, 3, 15), True), (at(2025, 3, 16), False)],
)
def test_the_day_before_of_and_after_three_months(announced, respected):
    increase = price_increase(announced, date(2025, 6, 15), PACK)
    assert increase.announce_by == date(2025, 3, 15)
    assert increase.notice_respected is respected
    assert increase.clause.article == "8.1"


def test_three_months_before_30_april_is_30_january():
    assert price_increase(at(2025, 1, 30), date(2025, 4, 30), PACK).notice_respected
    late = price_increase(at(2025, 1, 31), date(2025, 4, 30), PACK)
    assert not late.notice_respected
    assert late.earliest_application == date(2025, 5, 1)
    assert late.client_may_terminate_by == date(2025, 5, 1)


@pytest.mark.parametrize(
    ("applies_from", "announce_by"),
    [
        (date(2025, 5, 31), date(2025, 2, 28)),
        (date(2025, 5, 29), date(2025, 2, 28)),
        (date(2024, 5, 31), date(2024, 2, 29)),
        (date(2024, 5, 29), date(2024, 2, 29)),
    ],
)
def test_month_end_clamping(applies_from, announce_by):
    assert price_increase(at(2025, 1, 1), applies_from, PACK).announce_by == announce_by


def test_the_client_may_terminate_by_the_application_date():
    increase = price_increase(at(2025, 1, 10), date(2025, 6, 1), PACK)
    assert increase.notice_respected
    assert increase.earliest_application == date(2025, 4, 10)
    assert increase.client_may_terminate_by == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("notice_on", "months", "earliest"),
    [
        (date(2025, 1, 15), 3, date(2025, 4, 15)),
        (date(2025, 1, 31), 3, date(2025, 5, 1)),
        (date(2025, 11, 30), 3, date(2026, 3, 1)),  # no 30 February: 1 March is the first
        (date(2023, 11, 29), 3, date(2024, 2, 29)),
        (date(2025, 12, 31), 2, date(2026, 3, 1)),
    ],
)
def test_earliest_day_with_notice(notice_on, months, earliest):
    assert earliest_day_with_notice(notice_on, months) == earliest
