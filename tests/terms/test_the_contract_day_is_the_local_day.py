"""One helper turns an instant into the contract's day: core.calendar.local_day, with the
zone picked by terms.zone.contract_zone (the pack's calendars, else Europe/Paris)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

import pytest

from clausier.core.calendar import DEFAULT_CONTRACT_ZONE, local_day, local_midnight
from clausier.terms.packs import CalendarSpec, PackError, load_pack
from clausier.terms.zone import contract_day, contract_zone

PARIS = ZoneInfo("Europe/Paris")


def test_an_evening_in_utc_is_the_next_day_in_paris():
    late = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 01:30 on 1 April in Paris (CEST)
    assert local_day(late, PARIS) == date(2026, 4, 1)
    assert local_day(late, UTC) == date(2026, 3, 31)
    assert contract_day(late) == date(2026, 4, 1)
    # Winter: UTC+1, so 22:59 UTC is still the same day and 23:00 UTC the next.
    assert contract_day(datetime(2026, 1, 31, 22, 59, tzinfo=UTC)) == date(2026, 1, 31)
    assert contract_day(datetime(2026, 1, 31, 23, 0, tzinfo=UTC)) == date(2026, 2, 1)


def test_a_local_midnight_round_trips():
    start = local_midnight(date(2026, 3, 29), PARIS)  # the night clocks go forward
    assert start == datetime(2026, 3, 28, 23, 0, tzinfo=UTC)
    assert local_day(start, PARIS) == date(2026, 3, 29)


def test_a_naive_instant_is_refused():
    with pytest.raises(ValueError, match="aware"):
        local_day(datetime(2026, 3, 31, 23, 30), PARIS)


def test_the_zone_comes_from_the_packs_calendars():
    for service_line in ("managed_hosting", "coaching_training"):
        assert contract_zone(load_pack(service_line, "1.1")) == PARIS
    assert contract_zone() == DEFAULT_CONTRACT_ZONE == PARIS


def test_a_pack_in_another_zone_counts_in_it_and_calendars_must_agree():
    pack = load_pack("managed_hosting", "1.1")
    key, entry = next((k, e) for k, e in pack.entries.items() if isinstance(e.value, CalendarSpec))
    cayenne = replace(entry, value=replace(entry.value, zone=ZoneInfo("America/Cayenne")))
    overseas = replace(
        pack, version="9.8", entries=MappingProxyType({**pack.entries, key: cayenne})
    )
    # 31 March 23:30 UTC is 20:30 in Cayenne (UTC-3): still 31 March there.
    assert contract_day(datetime(2026, 3, 31, 23, 30, tzinfo=UTC), overseas) == date(2026, 3, 31)
    both = MappingProxyType({**pack.entries, key + "_overseas": replace(cayenne, key=key + "_o")})
    with pytest.raises(PackError, match="disagree"):
        contract_zone(replace(pack, version="9.9", entries=both))
