"""The contract's zone: whose calendar days a contract counts in.

A pack's calendars give it (`[... .calendar] zone = "Europe/Paris"`); a pack without one,
or no pack at hand, counts in the default zone (core.calendar.DEFAULT_CONTRACT_ZONE).
Every caller that turns an instant into a contract day goes through `contract_day`
(or core.calendar.local_day with this zone), not settings.TIME_ZONE, which is only the
zone Django displays times in.
"""

from __future__ import annotations

import functools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from clausier.core.calendar import DEFAULT_CONTRACT_ZONE, local_day
from clausier.terms.packs import CalendarSpec, Pack, PackError


@functools.lru_cache(maxsize=64)
def _zone_of(pack: Pack) -> ZoneInfo:
    zones = {
        entry.value.zone for entry in pack.entries.values() if isinstance(entry.value, CalendarSpec)
    }
    if len(zones) > 1:
        names = ", ".join(sorted(zone.key for zone in zones))
        raise PackError(f"{pack.label}: its calendars disagree on the contract's zone ({names})")
    return zones.pop() if zones else DEFAULT_CONTRACT_ZONE


def contract_zone(pack: Pack | None = None) -> ZoneInfo:
    """The zone of `pack`'s calendars, else the default contract zone."""
    return DEFAULT_CONTRACT_ZONE if pack is None else _zone_of(pack)


def contract_day(moment: datetime, pack: Pack | None = None) -> date:
    """The contract day (of `pack`, else the default zone) on which `moment` falls."""
    return local_day(moment, contract_zone(pack))
