"""Access after termination (7.2.2, 7.2.3), outage fix in 48 heures ouvrées (7.3), maintenance."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    access_after_end,
    client_termination,
    maintenance_notice,
    outage_outcome,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")


def paris(y, m, d, h=0, mi=0):
    return datetime(y, m, d, h, mi, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("effective_on", "last_day"),
    [
        (date(2025, 3, 15), date(2025, 5, 15)),
        (date(2025, 12, 31), date(2026, 2, 28)),
        (date(2023, 12, 31), date(2024, 2, 29)),
    ],
)
def test_access_lasts_two_months_after_the_end(effective_on, last_day):
    window = access_after_end(effective_on, PACK)
    assert window.last_day == last_day
    next_day = last_day + timedelta(days=1)
    assert window.until == paris(next_day.year, next_day.month, next_day.day).astimezone(UTC)
    assert window.clause.article == "7.2.2"


def test_access_runs_two_months_after_the_termination_takes_effect():
    termination = client_termination(date(2023, 5, 1), paris(2025, 2, 10, 12), PACK)
    window = access_after_end(termination.effective_on, PACK)
    assert termination.effective_on == date(2025, 5, 1)
    assert window.last_day == date(2025, 7, 1)


def test_other_services_cite_article_7_2_3():
    assert access_after_end(date(2025, 3, 15), PACK, subscription=False).clause.article == "7.2.3"


def fix(began, fixed):
    return outage_outcome(began, fixed, PACK, now=fixed)


WEDNESDAY = paris(2025, 6, 11, 10)


@pytest.mark.parametrize(
    ("fixed", "late"),
    [
        (paris(2025, 6, 13, 9, 59), False),
        (paris(2025, 6, 13, 10, 0), False),  # 48:00 business hours exactly
        (paris(2025, 6, 13, 10, 1), True),
    ],
)
def test_a_fix_within_48_business_hours_extends_nothing(fixed, late):
    outcome = fix(WEDNESDAY, fixed)
    assert outcome.fix_deadline == paris(2025, 6, 13, 10)
    assert outcome.late is late
    expected = fixed - WEDNESDAY if late else timedelta(0)
    assert outcome.training_access_extension == expected
    assert outcome.clause.article == "7.3"


def test_the_extension_is_the_whole_unavailability():
    outcome = fix(WEDNESDAY, paris(2025, 6, 16, 10))
    assert outcome.unavailability == timedelta(days=5)
    assert outcome.training_access_extension == timedelta(days=5)


def test_weekends_do_not_count():
    # Friday 17:00: 7 h on Friday, 24 h on Monday, 17 h on Tuesday.
    outcome = fix(paris(2025, 6, 13, 17), paris(2025, 6, 13, 18))
    assert outcome.fix_deadline == paris(2025, 6, 17, 17)


def test_public_holidays_do_not_count():
    # Wednesday 30 April 12:00: 12 h, not 1 May, 24 h on Friday 2 May, 12 h on Monday 5 May.
    outcome = fix(paris(2025, 4, 30, 12), paris(2025, 4, 30, 13))
    assert outcome.fix_deadline == paris(2025, 5, 5, 12)


def test_an_outage_starting_on_a_holiday_waits_for_the_next_business_day():
    outcome = fix(paris(2025, 5, 1, 10), paris(2025, 5, 1, 11))
    assert outcome.fix_deadline == paris(2025, 5, 6, 0)


def test_alsace_moselle_adds_good_friday():
    began = paris(2025, 4, 17, 0)
    general = outage_outcome(began, None, PACK, began)
    moselle = outage_outcome(began, None, PACK, began, subdivision="57")
    assert general.fix_deadline == paris(2025, 4, 19, 0)  # Thursday + Friday
    # Good Friday (Moselle) and Easter Monday do not count: Thursday + Tuesday.
    assert moselle.fix_deadline == paris(2025, 4, 23, 0)


def test_spring_dst_weekend_keeps_wall_clock_deadline_and_clock_extension():
    began = paris(2025, 3, 28, 12)  # Friday, CET
    outcome = fix(began, paris(2025, 4, 1, 12, 1))  # Tuesday, CEST
    assert outcome.fix_deadline == paris(2025, 4, 1, 12)
    assert outcome.late
    # Four calendar days minus the hour lost on Sunday night, plus one minute.
    assert outcome.training_access_extension == timedelta(hours=95, minutes=1)


def test_autumn_dst_weekend_keeps_wall_clock_deadline_and_clock_extension():
    began = paris(2025, 10, 24, 12)  # Friday, CEST
    outcome = fix(began, paris(2025, 10, 28, 12, 1))
    assert outcome.fix_deadline == paris(2025, 10, 28, 12)
    assert outcome.training_access_extension == timedelta(hours=97, minutes=1)


def test_an_unfixed_outage_reports_the_extension_so_far():
    now = paris(2025, 6, 16, 10)
    outcome = outage_outcome(WEDNESDAY, None, PACK, now)
    assert not outcome.fixed
    assert outcome.late
    assert outcome.training_access_extension == now - WEDNESDAY
    early = outage_outcome(WEDNESDAY, None, PACK, paris(2025, 6, 12, 10))
    assert not early.late and early.training_access_extension == timedelta(0)


# deadline=None: the first examples load holiday tables and fill caches, past 200 ms.
@settings(deadline=None)
@given(st.datetimes(min_value=datetime(2024, 1, 1), max_value=datetime(2027, 12, 31)))
def test_the_deadline_is_always_48_business_hours_away(naive):
    began = naive.replace(tzinfo=PARIS)
    outcome = outage_outcome(began, None, PACK, began)
    calendar = PACK.calendar("calendar.business_days")
    assert calendar.between(began, outcome.fix_deadline) == timedelta(hours=48)
    assert outcome.fix_deadline >= began + timedelta(hours=48)


MAINTENANCE = paris(2025, 6, 12, 22)


@pytest.mark.parametrize(
    ("announced", "in_time"),
    [
        (paris(2025, 6, 10, 21, 59), True),
        (paris(2025, 6, 10, 22, 0), True),  # 48:00
        (paris(2025, 6, 10, 22, 1), False),  # 47:59
        (None, False),
    ],
)
def test_maintenance_is_announced_48_hours_ahead(announced, in_time):
    notice = maintenance_notice(MAINTENANCE, MAINTENANCE + timedelta(hours=3), announced, PACK)
    assert notice.announce_by == paris(2025, 6, 10, 22)
    assert notice.announced_in_time is in_time
    assert notice.training_access_extension == timedelta(hours=3)
    assert notice.clause.article == "7.4"


def test_maintenance_notice_over_the_spring_dst_night_is_elapsed_time():
    starts = paris(2025, 3, 31, 10)
    notice = maintenance_notice(starts, starts + timedelta(hours=1), None, PACK)
    assert notice.announce_by == paris(2025, 3, 29, 9)


def test_an_outage_fixed_before_it_began_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        fix(WEDNESDAY, WEDNESDAY - timedelta(minutes=1))


def test_a_maintenance_ending_before_it_starts_is_refused():
    with pytest.raises(ValueError, match="before it starts"):
        maintenance_notice(MAINTENANCE, MAINTENANCE - timedelta(hours=1), None, PACK)
