"""Terms packs: every number of a contract, as versioned, validated, clause-cited data.

A pack is a TOML file `packs/<service_line>/<version>.toml`. Services read parameters
from the version the client accepted; every computed result cites the entry's article.

File format::

    [pack]
    service_line = "managed_hosting"     # must match the directory
    version = "1.0"                      # dotted integers, must match the file name
    title = "Conditions générales infogérance serveur"
    source = "seeds/004_ffefe6ee7e2b4410.txt"
    language = "fr"

    [gti.deadline_ho]                    # entry key "gti.deadline_ho"
    article = "5"                        # as the contract numbers it
    title = "Conditions d'intervention"  # the article's title, as written
    business_hours = 1                   # exactly one value key, see VALUE_KINDS
    note = "why we read it this way"     # optional: the chosen interpretation
    contract = "law"                     # optional: cite a statute instead of the contract

Any table holding an `article` key is an entry; other tables only group entries. Numbers
are read as Decimal (never float). Tier tables hold `unit = "hours" | "percent"` and a
list of `{ at_least | over | below | at_most = bound, percent = p }`, sorted by bound.
A pack that breaks any rule is refused at load with a `PackError` naming the entry.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from types import MappingProxyType
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from clausier.core.businesstime import Calendar, Segment, segment
from clausier.core.clauses import ClauseRef

PACKS_DIR = Path(__file__).resolve().parent / "packs"

_VERSION = re.compile(r"^\d+(\.\d+)*$")
_SERVICE_LINE = re.compile(r"^[a-z][a-z0-9_]*$")
_HOUR_US = Decimal(3_600_000_000)
_WEEKDAYS = {"mon": 0, "tue": 1, "wed": 2, "thu": 3, "fri": 4, "sat": 5, "sun": 6}

# value key in the TOML -> kind exposed by Entry.kind
VALUE_KINDS: dict[str, str] = {
    "hours": "duration",  # clock time
    "minutes": "duration",
    "business_hours": "business_duration",  # time counted on a business calendar
    "business_minutes": "business_duration",
    "days": "days",  # calendar days
    "business_days": "business_days",  # "jours ouvrés"
    "months": "months",
    "count": "count",
    "percent": "percent",
    "amount": "amount",  # euros, at most two decimals
    "decimal": "decimal",  # indices, coefficients
    "tiers": "tiers",
    "text": "text",
    "texts": "texts",
    "flag": "flag",
    "date": "date",
    "calendar": "calendar",
}
_ENTRY_KEYS = {"article", "title", "note", "contract", "unit"}
_PACK_KEYS = {"service_line", "version", "title", "source", "language"}


class PackError(ValueError):
    """A terms pack is missing, malformed, or read with the wrong type."""


@dataclass(frozen=True, slots=True)
class Tier:
    compare: str  # at_least | over | below | at_most
    bound: Decimal
    percent: Decimal

    def matches(self, value: Decimal) -> bool:
        if self.compare == "at_least":
            return value >= self.bound
        if self.compare == "over":
            return value > self.bound
        if self.compare == "below":
            return value < self.bound
        return value <= self.bound


@dataclass(frozen=True, slots=True)
class TierTable:
    """Thresholds → percent. Upward tables (at_least/over) grow with the value, downward
    ones (below/at_most) with its shortfall; the most severe matching tier wins."""

    unit: str  # hours | percent
    tiers: tuple[Tier, ...]

    @property
    def upward(self) -> bool:
        return self.tiers[0].compare in ("at_least", "over")

    def tier_for(self, value: Decimal | timedelta) -> Tier | None:
        # Tiers are stored sorted by bound; the most severe is the last upward, first downward.
        ordered = reversed(self.tiers) if self.upward else iter(self.tiers)
        for tier in ordered:
            if self._matches(tier, value):
                return tier
        return None

    def percent_for(self, value: Decimal | timedelta) -> Decimal:
        tier = self.tier_for(value)
        return tier.percent if tier else Decimal(0)

    def _matches(self, tier: Tier, value: Decimal | timedelta) -> bool:
        if isinstance(value, timedelta):
            if self.unit != "hours":
                raise PackError(f"tier table in {self.unit} cannot rate a duration")
            # Compare in whole microseconds: exact, no float, no division rounding.
            micro = Decimal(value // timedelta(microseconds=1))
            return Tier(tier.compare, tier.bound * _HOUR_US, tier.percent).matches(micro)
        if self.unit == "hours":
            raise PackError("tier table in hours needs a timedelta")
        return tier.matches(value)


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """Opening hours from a pack; whose holidays (country, subdivision) is given later:
    the provider's seat (managed hosting pack 1.1, `calendar.holidays_of`)."""

    zone: ZoneInfo
    segments: tuple[Segment, ...]
    observe_holidays: bool

    def build(
        self, subdivision: str | None = None, closures: Iterable[date] = (), country: str = "FR"
    ) -> Calendar:
        return _build_calendar(self, subdivision, frozenset(closures), country)


@functools.lru_cache(maxsize=256)
def _build_calendar(
    spec: CalendarSpec, subdivision: str | None, closures: frozenset[date], country: str
) -> Calendar:
    # Rules ask for the calendar on every call: one instance per (spec, seat) keeps its
    # per-day cache warm instead of recomputing opening hours each time.
    return Calendar(spec.segments, spec.zone, subdivision, closures, spec.observe_holidays, country)


PackValue = (
    timedelta | int | Decimal | str | bool | date | TierTable | CalendarSpec | tuple[str, ...]
)


@dataclass(frozen=True, slots=True)
class Entry:
    key: str
    article: str
    title: str
    kind: str
    value: PackValue
    note: str = ""
    contract: str = ""  # "" = the pack's own contract


@dataclass(frozen=True)
class Pack:
    service_line: str
    version: str
    title: str
    source: str
    language: str
    entries: Mapping[str, Entry]

    def __hash__(self) -> int:
        # Entries sit in a read-only mapping, which is not hashable; a pack is identified
        # by its service line and version, so callers can memoise on it.
        return hash((self.service_line, self.version))

    def entry(self, key: str) -> Entry:
        try:
            return self.entries[key]
        except KeyError:
            raise PackError(f"{self.label}: no entry {key!r}") from None

    @property
    def label(self) -> str:
        return f"{self.service_line} {self.version}"

    def clause(self, key: str) -> ClauseRef:
        entry = self.entry(key)
        return ClauseRef(entry.contract or self.service_line, entry.article, entry.title)

    def _typed(self, key: str, kind: str) -> PackValue:
        entry = self.entry(key)
        if entry.kind != kind:
            raise PackError(f"{self.label}: entry {key!r} is {entry.kind}, not {kind}")
        return entry.value

    def duration(self, key: str) -> timedelta:
        """A clock-time duration (`hours` / `minutes`)."""
        value = self._typed(key, "duration")
        assert isinstance(value, timedelta)
        return value

    def business_duration(self, key: str) -> timedelta:
        """A duration counted on a business calendar (`business_hours` / `business_minutes`)."""
        value = self._typed(key, "business_duration")
        assert isinstance(value, timedelta)
        return value

    def _int(self, key: str, kind: str) -> int:
        value = self._typed(key, kind)
        assert isinstance(value, int)
        return value

    def days(self, key: str) -> int:
        return self._int(key, "days")

    def business_days(self, key: str) -> int:
        return self._int(key, "business_days")

    def months(self, key: str) -> int:
        return self._int(key, "months")

    def count(self, key: str) -> int:
        return self._int(key, "count")

    def _decimal(self, key: str, kind: str) -> Decimal:
        value = self._typed(key, kind)
        assert isinstance(value, Decimal)
        return value

    def percent(self, key: str) -> Decimal:
        return self._decimal(key, "percent")

    def amount(self, key: str) -> Decimal:
        return self._decimal(key, "amount")

    def decimal(self, key: str) -> Decimal:
        return self._decimal(key, "decimal")

    def tiers(self, key: str) -> TierTable:
        value = self._typed(key, "tiers")
        assert isinstance(value, TierTable)
        return value

    def text(self, key: str) -> str:
        value = self._typed(key, "text")
        assert isinstance(value, str)
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._typed(key, "texts")
        assert isinstance(value, tuple)
        return value

    def flag(self, key: str) -> bool:
        value = self._typed(key, "flag")
        assert isinstance(value, bool)
        return value

    def date_of(self, key: str) -> date:
        value = self._typed(key, "date")
        assert isinstance(value, date)
        return value

    def calendar(
        self,
        key: str,
        subdivision: str | None = None,
        closures: Iterable[date] = (),
        country: str = "FR",
    ) -> Calendar:
        value = self._typed(key, "calendar")
        assert isinstance(value, CalendarSpec)
        return value.build(subdivision, closures, country)


# -- loading ----------------------------------------------------------------------------


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in version.split("."))


def available_versions(service_line: str) -> list[str]:
    """The versions on disk for a service line, oldest first."""
    folder = PACKS_DIR / service_line
    if not _SERVICE_LINE.match(service_line) or not folder.is_dir():
        raise PackError(f"no terms pack for service line {service_line!r}")
    versions = [p.stem for p in folder.glob("*.toml") if _VERSION.match(p.stem)]
    return sorted(versions, key=_version_key)


def load_pack(service_line: str, version: str | None = None) -> Pack:
    """The pack of a service line at `version`, or its latest version when None."""
    if version is None:
        versions = available_versions(service_line)
        if not versions:
            raise PackError(f"no terms pack versions for service line {service_line!r}")
        version = versions[-1]
    return _load_pack(service_line, version)


@functools.lru_cache(maxsize=32)
def _load_pack(service_line: str, version: str) -> Pack:
    if not _SERVICE_LINE.match(service_line) or not _VERSION.match(version):
        raise PackError(f"no terms pack {service_line!r} version {version!r}")
    path = PACKS_DIR / service_line / f"{version}.toml"
    if not path.is_file():
        raise PackError(f"no terms pack {service_line!r} version {version!r}")
    source = f"{service_line}/{version}.toml"
    pack = parse_pack(path.read_text(encoding="utf-8"), source)
    if (pack.service_line, pack.version) != (service_line, version):
        raise PackError(
            f"{source}: [pack] says {pack.service_line!r} {pack.version!r}, "
            "which does not match its path"
        )
    return pack


def parse_pack(text: str, source: str = "<string>") -> Pack:
    """Parse and validate a pack; any problem raises PackError naming `source` and entry."""
    try:
        data = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise PackError(f"{source}: invalid TOML: {exc}") from None
    header = data.pop("pack", None)
    if not isinstance(header, dict):
        raise PackError(f"{source}: missing [pack] table")
    meta = _parse_header(header, source)
    entries: dict[str, Entry] = {}
    _collect(data, "", source, entries)
    if not entries:
        raise PackError(f"{source}: the pack has no entries")
    return Pack(entries=MappingProxyType(entries), **meta)


def _parse_header(header: dict[str, Any], source: str) -> dict[str, str]:
    unknown = set(header) - _PACK_KEYS
    if unknown:
        raise PackError(f"{source}: [pack]: unknown keys {sorted(unknown)}")
    meta = {}
    for name in sorted(_PACK_KEYS):
        value = header.get(name)
        if not isinstance(value, str) or not value.strip():
            raise PackError(f"{source}: [pack]: {name!r} must be a non-empty string")
        meta[name] = value
    if not _VERSION.match(meta["version"]):
        raise PackError(f"{source}: [pack]: version must be dotted integers like '1.2'")
    if not _SERVICE_LINE.match(meta["service_line"]):
        raise PackError(f"{source}: [pack]: service_line must be snake_case")
    return meta


def _collect(table: dict[str, Any], prefix: str, source: str, out: dict[str, Entry]) -> None:
    for name, value in table.items():
        key = f"{prefix}{name}"
        if not isinstance(value, dict):
            raise PackError(
                f"{source}: {key!r} is not an entry (an entry is a table with 'article')"
            )
        if "article" in value:
            out[key] = _parse_entry(key, value, f"{source}: entry {key!r}")
        else:
            if not value:
                raise PackError(f"{source}: {key!r} is an empty table")
            _collect(value, f"{key}.", source, out)


def _parse_entry(key: str, raw: dict[str, Any], where: str) -> Entry:
    value_keys = [name for name in raw if name in VALUE_KINDS]
    unknown = set(raw) - _ENTRY_KEYS - set(VALUE_KINDS)
    if unknown:
        raise PackError(f"{where}: unknown keys {sorted(unknown)}")
    if len(value_keys) != 1:
        raise PackError(
            f"{where}: needs exactly one value key among {sorted(VALUE_KINDS)}, got {value_keys}"
        )
    strings = {}
    for name in ("article", "title", "note", "contract", "unit"):
        text = raw.get(name, "")
        if not isinstance(text, str):
            raise PackError(f"{where}: {name!r} must be a string")
        strings[name] = text.strip()
    for name in ("article", "title"):
        if not strings[name]:
            raise PackError(f"{where}: {name!r} must be a non-empty string")
    value_key = value_keys[0]
    kind = VALUE_KINDS[value_key]
    if strings["unit"] and kind != "tiers":
        raise PackError(f"{where}: 'unit' only applies to tiers")
    value = _parse_value(value_key, kind, raw[value_key], strings["unit"], where)
    return Entry(
        key=key,
        article=strings["article"],
        title=strings["title"],
        kind=kind,
        value=value,
        note=strings["note"],
        contract=strings["contract"],
    )


def _parse_value(name: str, kind: str, raw: Any, unit: str, where: str) -> PackValue:
    if kind in ("duration", "business_duration"):
        number = _number(raw, f"{where}: {name}")
        seconds = number * (60 if name.endswith("minutes") else 3600)
        if seconds < 0 or seconds != seconds.to_integral_value():
            raise PackError(f"{where}: {name} must be a non-negative whole number of seconds")
        return timedelta(seconds=int(seconds))
    if kind in ("days", "business_days", "months", "count"):
        if not isinstance(raw, int) or isinstance(raw, bool) or raw < 0:
            raise PackError(f"{where}: {name} must be a non-negative integer")
        return raw
    if kind in ("percent", "amount", "decimal"):
        number = _number(raw, f"{where}: {name}")
        if kind == "percent" and not 0 <= number <= 100:
            raise PackError(f"{where}: percent must be between 0 and 100")
        if kind == "amount" and (number < 0 or number != number.quantize(Decimal("0.01"))):
            raise PackError(f"{where}: amount must be non-negative euros with at most 2 decimals")
        return number
    if kind == "tiers":
        return _parse_tiers(raw, unit, where)
    if kind == "calendar":
        return _parse_calendar(raw, where)
    return _parse_simple(name, raw, where)


def _parse_simple(name: str, raw: Any, where: str) -> PackValue:
    if name == "text":
        if not isinstance(raw, str) or not raw.strip():
            raise PackError(f"{where}: text must be a non-empty string")
        return raw
    if name == "texts":
        if not isinstance(raw, list) or not all(isinstance(t, str) and t for t in raw):
            raise PackError(f"{where}: texts must be a list of non-empty strings")
        return tuple(raw)
    if name == "flag":
        if not isinstance(raw, bool):
            raise PackError(f"{where}: flag must be true or false")
        return raw
    # TOML dates are dates; datetimes are a subclass we refuse (they would need a zone).
    if not isinstance(raw, date) or hasattr(raw, "hour"):
        raise PackError(f"{where}: date must be a TOML date like 2022-08-01")
    return raw


def _number(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | Decimal):
        raise PackError(f"{where} must be a number")
    number = Decimal(raw)
    if not number.is_finite():  # TOML allows nan and inf; no contract number is either
        raise PackError(f"{where} must be a finite number")
    return number


_COMPARES = ("at_least", "over", "below", "at_most")


def _parse_tiers(raw: Any, unit: str, where: str) -> TierTable:
    if unit not in ("hours", "percent"):
        raise PackError(f"{where}: tiers need unit = 'hours' or 'percent'")
    if not isinstance(raw, list) or not raw:
        raise PackError(f"{where}: tiers must be a non-empty list of tables")
    tiers = []
    for index, item in enumerate(raw, start=1):
        here = f"{where}: tier {index}"
        if not isinstance(item, dict):
            raise PackError(f"{here} must be a table")
        compares = [name for name in item if name in _COMPARES]
        if len(compares) != 1 or set(item) != {compares[0], "percent"}:
            raise PackError(f"{here} needs exactly one of {list(_COMPARES)} and 'percent'")
        percent = _number(item["percent"], f"{here}: percent")
        if not 0 <= percent <= 100:
            raise PackError(f"{here}: percent must be between 0 and 100")
        tiers.append(Tier(compares[0], _number(item[compares[0]], f"{here}: bound"), percent))
    upward = tiers[0].compare in ("at_least", "over")
    for before, after in pairwise(tiers):
        if (after.compare in ("at_least", "over")) != upward:
            raise PackError(f"{where}: tiers mix upward and downward comparisons")
        if after.bound <= before.bound:
            raise PackError(f"{where}: tier bounds must be strictly increasing")
        worse_ok = after.percent >= before.percent if upward else after.percent <= before.percent
        if not worse_ok:
            raise PackError(f"{where}: a worse tier must not give a smaller percent")
    return TierTable(unit, tuple(tiers))


def _parse_calendar(raw: Any, where: str) -> CalendarSpec:
    allowed = {"zone", "weekdays", "opens", "closes", "holidays"}
    if not isinstance(raw, dict) or set(raw) - allowed:
        raise PackError(f"{where}: calendar must be a table with keys {sorted(allowed)}")
    try:
        zone = ZoneInfo(str(raw.get("zone", "Europe/Paris")))
    except (ZoneInfoNotFoundError, ValueError):
        raise PackError(f"{where}: unknown time zone {raw.get('zone')!r}") from None
    days = raw.get("weekdays")
    if not isinstance(days, list) or not days or any(d not in _WEEKDAYS for d in days):
        raise PackError(f"{where}: weekdays must be a list among {list(_WEEKDAYS)}")
    observe = raw.get("holidays", True)
    if not isinstance(observe, bool):
        raise PackError(f"{where}: holidays must be true or false")
    try:
        segments = tuple(
            segment(_WEEKDAYS[d], str(raw.get("opens")), str(raw.get("closes"))) for d in days
        )
        spec = CalendarSpec(zone, segments, observe)
        spec.build()  # validates segments (order, overlap) now, not on first use
    except ValueError as exc:
        raise PackError(f"{where}: {exc}") from None
    return spec
