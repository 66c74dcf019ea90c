"""SNMP values a number-minded probe does not expect, over IPv4 and IPv6 (fake v2c
agent), load thresholds with fewer than three values, and disk space at the exact
boundaries of check_disk's thresholds (a private tmpfs read by check_disk and served by
the fake agent with the same figures): the probe and the plugin agree."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from clausier.probes import State
from clausier.probes.snmp import SnmpAuth, SnmpGetProbe
from clausier.probes.snmp_checks import HR_STORAGE, LA_LOAD_INT, LoadProbe, StorageProbe
from tests.probes.agreement import PYTHON_TEXT
from tests.probes.fake_snmp import Value, gauge, integer, snmp_agent, string
from tests.probes.fakes import V4, V6
from tests.probes.servers import check, plugin

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers")]

OID = "1.3.6.1.4.1.99999.1.0"
AUTH = SnmpAuth(community="public")


@dataclass(frozen=True)
class ValueCase:
    name: str
    value: Value | None  # None: the agent has no such object
    warn: str | None
    crit: str | None
    expected: State


VALUES = [
    ValueCase("number inside a string", string("42 degrees"), "40", "50", State.WARNING),
    ValueCase("string without a number", string("abc"), "10", "20", State.UNKNOWN),
    ValueCase("string without thresholds", string("abc"), None, None, State.OK),
    ValueCase("negative number in a string", string("-5 below"), None, "0", State.CRITICAL),
    ValueCase("first digit wins", string("v2-3"), "1", None, State.WARNING),
    ValueCase("decimal string", string("3.7"), "3", None, State.WARNING),
    ValueCase("empty string", string(""), "1", None, State.UNKNOWN),
    ValueCase("number string within range", string("7 items"), "10", "20", State.OK),
    ValueCase("integer past critical", integer(42), "10", "40", State.CRITICAL),
    ValueCase("gauge inside an inverted range", gauge(15), "@10:20", None, State.WARNING),
]


@pytest.mark.parametrize("host", [V4, V6], ids=["ipv4", "ipv6"])
@pytest.mark.parametrize("case", VALUES, ids=[c.name for c in VALUES])
def test_it_reads_snmp_values_as_check_snmp_does(case: ValueCase, host: str) -> None:
    table = {"1.3.6.1.4.1.99999.2.0": integer(1)}
    if case.value is not None:
        table[OID] = case.value
    with snmp_agent(table, host=host) as port:
        result = check(
            SnmpGetProbe(
                host=host,
                port=port,
                oid=OID,
                warn=case.warn,
                crit=case.crit,
                auth=AUTH,
                timeout=2,
            )
        )
        args = ["-H", f"udp6:[{host}]" if host == V6 else host, "-p", str(port), "-P", "2c"]
        args += ["-C", "public", "-o", OID, "-t", "2"]
        args += ["-w", case.warn] if case.warn else []
        args += ["-c", case.crit] if case.crit else []
        state, output = plugin("check_snmp", *args)
    assert (result.state, state) == (case.expected, case.expected), f"{result}\n{output}"
    assert not PYTHON_TEXT.search(result.summary), result.summary


def test_it_is_unknown_for_a_wrong_community_over_ipv6() -> None:
    with snmp_agent({OID: integer(1)}, host=V6, community="secret") as port:
        result = check(SnmpGetProbe(host=V6, port=port, oid=OID, auth=AUTH, timeout=2))
        state, output = plugin(
            "check_snmp",
            "-H",
            f"udp6:[{V6}]",
            "-p",
            port,
            "-P",
            "2c",
            "-C",
            "public",
            "-o",
            OID,
            "-t",
            "2",
        )
    assert (result.state, state) == (State.UNKNOWN, State.UNKNOWN), f"{result}\n{output}"


# --- load: check_load pads missing values with the last one given ----------------------


def loadavg_table() -> dict[str, Value]:
    loads = Path("/proc/loadavg").read_text().split()[:3]
    return {f"{LA_LOAD_INT}.{i}": integer(round(float(v) * 100)) for i, v in enumerate(loads, 1)}


LOADS = [
    ("warn 1000,0 is 1000,0,0", "1000,0", "2000", State.WARNING),
    ("warn 0,1000 is 0,1000,1000", "0,1000", "2000", State.WARNING),
    ("one value for all three", "1000", "2000", State.OK),
    ("crit 2000,0 is 2000,0,0", "0,0", "2000,0", State.CRITICAL),
]


@pytest.mark.parametrize(
    ("name", "warn", "crit", "expected"), LOADS, ids=[case[0] for case in LOADS]
)
def test_it_pads_load_thresholds_as_check_load_does(
    name: str, warn: str, crit: str, expected: State
) -> None:
    if min(float(v) for v in Path("/proc/loadavg").read_text().split()[:3]) == 0:
        pytest.skip("an idle machine: a load of exactly 0 trips no threshold of 0")
    with snmp_agent(loadavg_table()) as port:
        result = check(LoadProbe(host=V4, port=port, auth=AUTH, warn=warn, crit=crit))
    state, output = plugin("check_load", "-w", warn, "-c", crit)
    assert (result.state, state) == (expected, expected), f"{result}\n{output}"


# --- disk: check_disk's boundaries on a tmpfs of exactly 100 MiB (25,600 pages) ------

PAGE = 4096


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    mount = tmp_path / "disk"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=100m", "tmpfs", str(mount)], check=True)
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def storage_table(mount: Path) -> dict[str, Value]:
    """hrStorage row 31 as net-snmp computes it from statvfs."""
    st = os.statvfs(mount)
    return {
        f"{HR_STORAGE}.3.31": string(str(mount)),
        f"{HR_STORAGE}.4.31": integer(st.f_frsize),
        f"{HR_STORAGE}.5.31": integer(st.f_blocks),
        f"{HR_STORAGE}.6.31": integer(st.f_blocks - st.f_bfree),
    }


DISKS = [
    ("free exactly 20%", 20480, "20%", "10%", State.WARNING),
    ("free 20.9%, used rounded up", 20249, "20%", "10%", State.WARNING),
    ("free 21.5%", 20096, "20%", "10%", State.OK),
    ("free exactly 10%", 23040, "20%", "10%", State.CRITICAL),
    ("free 10.9%, used rounded up", 22810, "20%", "10%", State.CRITICAL),
    ("free 11.5%", 22656, "20%", "10%", State.WARNING),
    ("free exactly 20 MB", 20480, "20", "10", State.WARNING),
    ("free 20.5 MB, rounded down", 20352, "20", "10", State.WARNING),
    ("free 21 MB", 20224, "20", "10", State.OK),
    ("free 10.5 MB", 22912, "20", "10", State.CRITICAL),
    ("empty", 0, "20%", "10%", State.OK),
]


@pytest.mark.parametrize(
    ("name", "pages", "warn", "crit", "expected"), DISKS, ids=[case[0] for case in DISKS]
)
def test_it_reads_disk_thresholds_at_their_boundaries_as_check_disk_does(
    tmpfs: Path, name: str, pages: int, warn: str, crit: str, expected: State
) -> None:
    (tmpfs / "fill").write_bytes(b"x" * pages * PAGE)
    with snmp_agent(storage_table(tmpfs)) as port:
        result = check(
            StorageProbe(
                host=V4, port=port, auth=AUTH, storage=str(tmpfs), warn_free=warn, crit_free=crit
            )
        )
    state, output = plugin("check_disk", "-w", warn, "-c", crit, "-p", str(tmpfs))
    assert (result.state, state) == (expected, expected), f"{result}\n{output}"
    assert result.perfdata[0].warn and result.perfdata[0].crit  # as check_disk prints them
