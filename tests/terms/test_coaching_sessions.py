"""Session postponement with 48 clock hours' notice, and no carry-over of sessions (art. 10.1)."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clausier.terms.packs import load_pack
from clausier.terms.rules.coaching_training import (
    session_period,
    session_postponement,
    session_quota,
)

PACK = load_pack("coaching_training", "1.0")
PARIS = ZoneInfo("Europe/Paris")
SESSION = datetime(2025, 6, 12, 10, 0, tzinfo=PARIS)


@pytest.mark.parametrize(
    ("before", "in_time"),
    [
        (timedelta(hours=48, minutes=1), True),
        (timedelta(hours=48), True),  # 48:00 exactly
        (timedelta(hours=47, minutes=59), False),  # 47:59
        (timedelta(0), False),
        (-timedelta(hours=1), False),  # after the session started
    ],
)
def test_postponement_needs_48_clock_hours(before, in_time):
    result = session_postponement(SESSION, SESSION - before, PACK)
    assert result.in_time is in_time
    assert result.counted_as_done is not in_time
    assert result.billed is not in_time
    assert result.clause.article == "10.1"


def test_a_late_postponement_is_counted_as_done_and_billed():
    result = session_postponement(SESSION, SESSION - timedelta(hours=2), PACK)
    assert (result.counted_as_done, result.billed) == (True, True)


def test_spring_dst_weekend_counts_elapsed_hours():
    # Monday 31 March 2025 10:00 CEST; the night of 29-30 March lost an hour, so 48 elapsed
    # hours before is Saturday 09:00 CET, not 10:00.
    session = datetime(2025, 3, 31, 10, 0, tzinfo=PARIS)
    result = session_postponement(session, datetime(2025, 3, 29, 9, 0, tzinfo=PARIS), PACK)
    assert result.request_by == datetime(2025, 3, 29, 8, 0, tzinfo=UTC)
    assert result.in_time
    late = session_postponement(session, datetime(2025, 3, 29, 9, 1, tzinfo=PARIS), PACK)
    assert not late.in_time


def test_autumn_dst_weekend_counts_elapsed_hours():
    # Monday 27 October 2025 10:00 CET; 48 elapsed hours before is Saturday 11:00 CEST.
    session = datetime(2025, 10, 27, 10, 0, tzinfo=PARIS)
    result = session_postponement(session, datetime(2025, 10, 25, 11, 0, tzinfo=PARIS), PACK)
    assert result.request_by == datetime(2025, 10, 25, 9, 0, tzinfo=UTC)
    assert result.in_time
    late = session_postponement(session, datetime(2025, 10, 25, 11, 1, tzinfo=PARIS), PACK)
    assert not late.in_time


def test_sessions_of_other_products_cite_article_10_3():
    result = session_postponement(SESSION, SESSION - timedelta(hours=49), PACK, subscription=False)
    assert result.in_time
    assert result.clause.article == "10.3"


def test_naive_instants_are_refused():
    with pytest.raises(ValueError):
        session_postponement(SESSION, datetime(2025, 6, 10, 10), PACK)


START = date(2025, 1, 31)


def test_quota_counts_sessions_left_in_the_annual_period():
    quota = session_quota(START, 10, 4, PACK, datetime(2025, 6, 1, tzinfo=PARIS))
    assert quota.remaining == 6
    assert quota.period.index == 0
    assert quota.expires_at == datetime(2026, 1, 30, 23, 0, tzinfo=UTC)  # midnight in Paris
    assert quota.carried_over == 0
    assert quota.clause.article == "10.1"


@pytest.mark.parametrize(
    ("now", "index", "remaining"),
    [
        (datetime(2026, 1, 30, 23, 59, tzinfo=PARIS), 0, 6),  # last minute of the period
        (datetime(2026, 1, 31, 0, 0, tzinfo=PARIS), 1, 10),  # new period, fresh quota
        (datetime(2026, 2, 1, 12, 0, tzinfo=PARIS), 1, 10),
    ],
)
def test_unused_sessions_do_not_carry_over(now, index, remaining):
    # The caller passes the sessions used in the period holding `now`: none yet in a new one.
    used = 4 if index == 0 else 0
    quota = session_quota(START, 10, used, PACK, now)
    assert (quota.period.index, quota.remaining, quota.carried_over) == (index, remaining, 0)


def test_overuse_leaves_nothing_not_a_negative_count():
    assert session_quota(START, 10, 12, PACK, datetime(2025, 6, 1, tzinfo=PARIS)).remaining == 0


def test_a_session_uses_the_quota_of_its_paris_day():
    before = session_period(START, datetime(2026, 1, 30, 23, 30, tzinfo=PARIS), PACK)
    after = session_period(START, datetime(2026, 1, 31, 0, 30, tzinfo=PARIS), PACK)
    assert (before.index, after.index) == (0, 1)
    assert after.clause.article == "10.1"


def test_a_29_february_start_ends_its_first_session_year_on_27_february():
    quota = session_quota(date(2024, 2, 29), 5, 0, PACK, datetime(2025, 2, 27, 22, tzinfo=PARIS))
    assert quota.period.last_day == date(2025, 2, 27)
    assert quota.expires_at == datetime(2025, 2, 27, 23, 0, tzinfo=UTC)
