"""Loading terms packs from disk: latest version, explicit version, typed accessors."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from clausier.core.clauses import ClauseRef
from clausier.terms import packs
from clausier.terms.packs import Pack, PackError, available_versions, load_pack


def test_it_loads_the_latest_managed_hosting_pack_by_default() -> None:
    pack = load_pack("managed_hosting")
    assert pack.service_line == "managed_hosting"
    assert pack.version == available_versions("managed_hosting")[-1]


def test_it_loads_an_explicit_version_and_caches_it() -> None:
    assert load_pack("managed_hosting", "1.0") is load_pack("managed_hosting", "1.0")


def test_an_unknown_service_line_is_refused() -> None:
    with pytest.raises(PackError, match="no terms pack"):
        load_pack("catering")


def test_an_unknown_version_is_refused() -> None:
    with pytest.raises(PackError, match=r"version '9\.9'"):
        load_pack("managed_hosting", "9.9")


def test_a_path_traversal_is_refused() -> None:
    with pytest.raises(PackError):
        load_pack("../managed_hosting", "1.0")
    with pytest.raises(PackError):
        load_pack("managed_hosting", "../1.0")


def test_entries_are_typed() -> None:
    pack = load_pack("managed_hosting")
    assert pack.business_duration("gti.deadline_ho") == timedelta(hours=1)
    assert pack.duration("escalation.after") == timedelta(minutes=30)
    assert pack.count("emergency.yearly_quota") == 4
    assert pack.amount("emergency.overage_hourly_rate") == Decimal("129.00")
    assert pack.decimal("indexation.link_coefficient") == Decimal("0.97975")
    assert pack.date_of("indexation.series_change") == date(2022, 8, 1)
    assert pack.texts("escalation.hno_services") == ("http", "ping")
    assert pack.flag("payment.default_suspension") is True
    assert pack.months("privacy.inactivity_purge") == 24
    assert pack.business_days("reversibility.delivery") == 10


def test_decimals_are_never_floats() -> None:
    pack = load_pack("managed_hosting")
    for entry in pack.entries.values():
        assert not isinstance(entry.value, float), entry.key


def test_reading_an_entry_with_the_wrong_type_names_it() -> None:
    pack = load_pack("managed_hosting")
    with pytest.raises(PackError, match=r"'gti.deadline_ho' is business_duration, not duration"):
        pack.duration("gti.deadline_ho")


def test_reading_a_missing_entry_names_it() -> None:
    with pytest.raises(PackError, match=r"no entry 'gti\.nope'"):
        load_pack("managed_hosting").count("gti.nope")


def test_every_entry_gives_a_clause() -> None:
    pack = load_pack("managed_hosting")
    assert pack.clause("gti.lateness_credit") == ClauseRef(
        "managed_hosting", "14", "Pénalités et SLA"
    )
    assert str(pack.clause("gti.lateness_credit")) == "Art. 14 — Pénalités et SLA"


def test_packs_are_frozen() -> None:
    pack = load_pack("managed_hosting")
    assert isinstance(pack, Pack)
    with pytest.raises(AttributeError):
        pack.version = "2.0"  # type: ignore[misc]
    with pytest.raises(TypeError):
        pack.entries["x"] = pack.entry("gti.deadline_ho")  # type: ignore[index]


def test_the_office_hours_calendar_takes_the_client_subdivision() -> None:
    pack = load_pack("managed_hosting")
    assert pack.calendar("calendar.office_hours").subdivision is None
    assert pack.calendar("calendar.office_hours", "57").subdivision == "57"


def _write_pack(folder: Path, service_line: str, version: str, header_version: str) -> None:
    path = folder / service_line / f"{version}.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f'[pack]\nservice_line = "{service_line}"\nversion = "{header_version}"\n'
        'title = "t"\nsource = "s"\nlanguage = "fr"\n'
        '[a]\narticle = "1"\ntitle = "t"\ndays = 1\n',
        encoding="utf-8",
    )


@pytest.fixture
def packs_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setattr(packs, "PACKS_DIR", tmp_path)
    packs._load_pack.cache_clear()
    yield tmp_path
    packs._load_pack.cache_clear()


def test_versions_compare_numerically(packs_dir: Path) -> None:
    for version in ("1.9", "1.10", "1.2"):
        _write_pack(packs_dir, "demo", version, version)
    assert available_versions("demo") == ["1.2", "1.9", "1.10"]
    assert load_pack("demo").version == "1.10"


def test_a_pack_whose_header_does_not_match_its_path_is_refused(packs_dir: Path) -> None:
    _write_pack(packs_dir, "demo", "2.0", "1.0")
    with pytest.raises(PackError, match=r"demo/2\.0\.toml: \[pack\] says 'demo' '1\.0'"):
        load_pack("demo", "2.0")


def test_a_service_line_without_versions_is_refused(packs_dir: Path) -> None:
    (packs_dir / "demo").mkdir()
    with pytest.raises(PackError, match="no terms pack versions"):
        load_pack("demo")


def test_packs_are_hashable_so_rules_can_memoise_on_them() -> None:
    pack = load_pack("managed_hosting")
    assert {pack: 1}[load_pack("managed_hosting", pack.version)] == 1


def test_every_shipped_pack_version_is_valid() -> None:
    service_lines = sorted(p.name for p in packs.PACKS_DIR.iterdir() if p.is_dir())
    assert "managed_hosting" in service_lines
    for service_line in service_lines:
        for version in available_versions(service_line):
            pack = load_pack(service_line, version)
            assert pack.entries, (service_line, version)
