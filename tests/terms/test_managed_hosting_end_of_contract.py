"""Force majeure termination, reversibility dates, personal-data purge."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from clausier.core.businesstime import PARIS
from clausier.terms.packs import load_pack
from clausier.terms.rules.managed_hosting import (
    data_purge_date,
    force_majeure_termination,
    office_calendar,
    reversibility_dates,
)

PACK = load_pack("managed_hosting")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS)  # type: ignore[misc]


# -- force majeure -------------------------------------------------------------------------

NOTIFIED = paris(2026, 3, 1, 10, 0)


def test_force_majeure_opens_termination_after_thirty_full_days() -> None:
    result = force_majeure_termination(NOTIFIED, None, PACK, now=paris(2026, 3, 31, 23, 59))
    assert result.right_from == paris(2026, 4, 1, 0, 0)
    assert result.right_from == datetime(2026, 3, 31, 22, 0, tzinfo=UTC)  # CEST since 29 March
    assert not result.available
    assert str(result.clause) == "Art. 7 — Exclusions, responsabilités de KALANDA"


def test_force_majeure_termination_is_available_from_the_31st_day() -> None:
    assert force_majeure_termination(NOTIFIED, None, PACK, now=paris(2026, 4, 1, 0, 0)).available


def test_an_event_that_ended_within_thirty_days_gives_no_right() -> None:
    ended = paris(2026, 3, 20, 8, 0)
    assert not force_majeure_termination(NOTIFIED, ended, PACK, now=paris(2026, 5, 1, 9)).available


def test_an_event_that_outlasted_thirty_days_keeps_the_right() -> None:
    ended = paris(2026, 4, 3, 8, 0)
    assert force_majeure_termination(NOTIFIED, ended, PACK, now=paris(2026, 4, 5, 9)).available


# -- reversibility -------------------------------------------------------------------------


def test_reversibility_dates_when_everything_is_paid() -> None:
    result = reversibility_dates(date(2026, 12, 31), PACK, all_paid_on=date(2026, 12, 1))
    assert result.notice_by == date(2026, 9, 30)
    assert result.period_start == date(2026, 12, 31)
    # 1 January is a holiday; ten working days run 4-8 and 11-15 January.
    assert result.delivery_by == date(2027, 1, 15)
    assert result.continuity_until == date(2027, 3, 31)
    assert str(result.clause) == "Art. 16 — Réversibilité"


def test_the_notice_must_come_at_least_three_months_before_the_end() -> None:
    result = reversibility_dates(date(2026, 12, 31), PACK, all_paid_on=None)
    assert result.notice_in_time(date(2026, 9, 29))
    assert result.notice_in_time(date(2026, 9, 30))
    assert not result.notice_in_time(date(2026, 10, 1))


def test_the_period_waits_for_the_last_payment() -> None:
    unpaid = reversibility_dates(date(2026, 12, 31), PACK, all_paid_on=None)
    assert (unpaid.period_start, unpaid.delivery_by) == (None, None)
    late = reversibility_dates(date(2026, 12, 31), PACK, all_paid_on=date(2027, 1, 10))
    assert late.period_start == date(2027, 1, 10)
    assert late.delivery_by == date(2027, 1, 22)


def test_continuity_stops_at_the_takeover_but_never_past_ninety_days() -> None:
    end = date(2026, 12, 31)
    early = reversibility_dates(end, PACK, all_paid_on=end, takeover_on=date(2027, 2, 1))
    assert early.continuity_until == date(2027, 2, 1)
    late = reversibility_dates(end, PACK, all_paid_on=end, takeover_on=date(2027, 6, 1))
    assert late.continuity_until == end + timedelta(days=90)


def test_the_notice_date_is_clamped_at_month_end() -> None:
    assert reversibility_dates(date(2027, 5, 31), PACK, all_paid_on=None).notice_by == date(
        2027, 2, 28
    )


def test_working_days_follow_the_client_site_holidays() -> None:
    moselle = office_calendar(PACK, "57")
    general = reversibility_dates(date(2026, 12, 24), PACK, all_paid_on=date(2026, 12, 1))
    local = reversibility_dates(
        date(2026, 12, 24), PACK, all_paid_on=date(2026, 12, 1), calendar=moselle
    )
    # 25 December and 1 January are skipped; 26 December 2026 is a Saturday anyway.
    assert general.delivery_by == local.delivery_by == date(2027, 1, 11)
    spring = reversibility_dates(date(2026, 4, 1), PACK, all_paid_on=date(2026, 4, 1))
    spring_moselle = reversibility_dates(
        date(2026, 4, 1), PACK, all_paid_on=date(2026, 4, 1), calendar=moselle
    )
    assert spring.delivery_by == date(2026, 4, 16)  # Easter Monday skipped
    assert spring_moselle.delivery_by == date(2026, 4, 17)  # and Good Friday too


# -- personal data -------------------------------------------------------------------------


def test_personal_data_is_purged_after_24_months_of_inactivity() -> None:
    result = data_purge_date(date(2024, 5, 10), PACK, now=paris(2026, 5, 9, 23, 59))
    assert result.purge_on == date(2026, 5, 10)
    assert not result.due
    assert data_purge_date(date(2024, 5, 10), PACK, now=paris(2026, 5, 10, 0, 0)).due
    assert str(result.clause) == "Art. Annexe 3 — RGPD"


def test_a_leap_day_activity_is_purged_on_28_february() -> None:
    assert data_purge_date(date(2024, 2, 29), PACK, now=paris(2026, 1, 1)).purge_on == date(
        2026, 2, 28
    )
