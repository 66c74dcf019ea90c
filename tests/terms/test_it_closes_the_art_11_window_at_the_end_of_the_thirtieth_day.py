"""Hosting art. 11: a client may terminate within thirty days of a modification's entry
into force; the window closes at the end of the thirtieth day, local time, not at the
time of day the version came into force."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from clausier.accounts.models import Role, ServiceLine
from clausier.terms import services
from tests.helpers import make_client, make_provider, make_staff

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def window_for(effective_at: datetime, pack_version: str = "1.1") -> datetime:
    provider = make_provider("Kalanda")
    make_client(provider, "Boulangerie")
    owner = make_staff(provider, Role.OWNER)
    terms = services.create_draft(
        now=effective_at - timedelta(days=40),
        actor=owner,
        provider=provider,
        service_line=ServiceLine.MANAGED_HOSTING,
        version="2026-11",
        pack_version=pack_version,
        text_fr="CGV",
    )
    terms = services.publish(
        now=effective_at - timedelta(days=40), actor=owner, terms=terms, effective_at=effective_at
    )
    window = services.termination_window(terms)
    assert window is not None and window[1].article == "11"
    return window[0]


@pytest.mark.parametrize("pack_version", ["1.0", "1.1"])
def test_the_window_ends_at_235959999_paris_on_the_thirtieth_day(pack_version):
    # In force Tuesday 1 December 2026 at 14:30 Paris: day 30 is 31 December.
    closes = window_for(datetime(2026, 12, 1, 14, 30, tzinfo=PARIS), pack_version)
    assert closes == datetime(2026, 12, 31, 23, 59, 59, 999_000, tzinfo=PARIS)
    notice_on_the_last_evening = datetime(2026, 12, 31, 22, 0, tzinfo=PARIS)
    next_morning = datetime(2027, 1, 1, 0, 0, tzinfo=PARIS)
    assert notice_on_the_last_evening <= closes < next_morning


def test_the_local_day_counts_not_the_utc_one():
    # 23:30 UTC on 30 November is already 1 December in Paris: day 30 is 31 December.
    closes = window_for(datetime(2026, 11, 30, 23, 30, tzinfo=UTC))
    assert closes.astimezone(PARIS).date().isoformat() == "2026-12-31"


def test_across_the_dst_change_the_window_still_closes_at_local_midnight():
    # In force 10 March 2026 (CET); day 30 is 9 April (CEST).
    closes = window_for(datetime(2026, 3, 10, 9, 0, tzinfo=PARIS))
    assert closes.astimezone(PARIS).replace(tzinfo=None) == datetime(
        2026, 4, 9, 23, 59, 59, 999_000
    )
    assert closes.utcoffset() == timedelta(hours=2)
