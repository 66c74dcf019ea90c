"""SNMP probes against the project's snmpd, each case also checked by the plugin that
checks the same thing (check_snmp remotely; check_load, check_disk, check_swap and
check_mailq locally, the agent being on this machine). Rows of docs/probes.md."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass

import pytest

from clausier.probes import Probe, ProbeContext, State
from clausier.probes.snmp import SnmpAuth, SnmpGetProbe, SnmpSession
from clausier.probes.snmp_checks import (
    HR_PROCESSOR_LOAD,
    CpuProbe,
    LoadProbe,
    MailQueueProbe,
    StorageProbe,
    TrafficProbe,
    WebConnectionsProbe,
)
from tests.probes.servers import (
    COMMUNITY,
    HOST,
    HTTP_PORT,
    POSTFIX_CONFIG,
    SNMP_PORT,
    SNMP_USER,
    check,
    plugin,
)

pytestmark = pytest.mark.servers

V2C = SnmpAuth(community=COMMUNITY)
V3 = SnmpAuth(version="3", user=SNMP_USER[0], auth_key=SNMP_USER[1], priv_key=SNMP_USER[2])
AGENT = {"host": HOST, "port": SNMP_PORT, "auth": V2C}
CHECK_SNMP = ("check_snmp", "-H", HOST, "-p", SNMP_PORT, "-P", "2c", "-C", COMMUNITY)
CHECK_SNMP_V3 = (
    "check_snmp",
    "-H",
    HOST,
    "-p",
    SNMP_PORT,
    "-P",
    "3",
    "-L",
    "authPriv",
    "-U",
    SNMP_USER[0],
    "-a",
    "SHA",
    "-A",
    SNMP_USER[1],
    "-x",
    "AES",
    "-X",
    SNMP_USER[2],
)
LA_LOAD_1 = ".1.3.6.1.4.1.2021.10.1.5.1"
SYS_UPTIME = ".1.3.6.1.2.1.1.3.0"
PHYSICAL_MEMORY_USED = ".1.3.6.1.2.1.25.2.3.1.6.1"
MAILQ = ("check_mailq", "-M", "postfix", "-d", POSTFIX_CONFIG)


def has_swap() -> bool:
    with open("/proc/swaps") as swaps:
        return len(swaps.read().splitlines()) > 1


def first_cpu_oid() -> str:
    """The first hrProcessorLoad row. net-snmp fills the table only after a minute of
    samples, so a freshly started agent is waited for (bounded)."""

    async def walk() -> str:
        session = SnmpSession(ProbeContext.current(), HOST, SNMP_PORT, V2C, 2)
        for _ in range(90):
            rows = await session.walk(HR_PROCESSOR_LOAD)
            if rows:
                return f".{HR_PROCESSOR_LOAD}.{min(rows, key=int)}"
            await asyncio.sleep(1)
        raise AssertionError("snmpd never filled hrProcessorLoad")

    return asyncio.run(walk())


@dataclass(frozen=True)
class Case:
    name: str
    probe: Probe
    plugins: tuple[tuple[str | int, ...], ...]
    expected: State


def cases(cpu_oid: str) -> list[Case]:
    swap = State.OK if has_swap() else State.CRITICAL  # check_swap: no swap is CRITICAL
    return [
        Case(
            "load under thresholds",
            LoadProbe(**AGENT, warn="500,500,500", crit="900,900,900"),
            (
                ("check_load", "-w", "500,500,500", "-c", "900,900,900"),
                (*CHECK_SNMP, "-o", LA_LOAD_1, "-w", 50000, "-c", 90000),
            ),
            State.OK,
        ),
        # A loaded test machine is never at 0.00 over 15 minutes: every threshold crossed.
        Case(
            "load over thresholds",
            LoadProbe(**AGENT, warn="0,0,0", crit="0,0,0"),
            (
                ("check_load", "-w", "0,0,0", "-c", "0,0,0"),
                (*CHECK_SNMP, "-o", LA_LOAD_1, "-c", "~:0"),
            ),
            State.CRITICAL,
        ),
        Case(
            "load over snmp v3",
            LoadProbe(host=HOST, port=SNMP_PORT, auth=V3, warn="500", crit="900"),
            ((*CHECK_SNMP_V3, "-o", LA_LOAD_1, "-w", 50000, "-c", 90000),),
            State.OK,
        ),
        Case(
            "cpu within 0..100",
            CpuProbe(**AGENT, warn=None, crit="0:100"),
            ((*CHECK_SNMP, "-o", cpu_oid, "-c", "0:100"),),
            State.OK,
        ),
        Case(
            "cpu below an impossible floor",
            CpuProbe(**AGENT, warn=None, crit="101:"),
            ((*CHECK_SNMP, "-o", cpu_oid, "-c", "101:"),),
            State.CRITICAL,
        ),
        Case(
            "disk / with room",
            StorageProbe(**AGENT, storage="/", warn_free="2%", crit_free="1%"),
            (("check_disk", "-w", "2%", "-c", "1%", "-p", "/"),),
            State.OK,
        ),
        Case(
            "disk / under warning",
            StorageProbe(**AGENT, storage="/", warn_free="99%", crit_free="1%"),
            (("check_disk", "-w", "99%", "-c", "1%", "-p", "/"),),
            State.WARNING,
        ),
        Case(
            "disk / under critical",
            StorageProbe(**AGENT, storage="/", warn_free="99%", crit_free="98%"),
            (("check_disk", "-w", "99%", "-c", "98%", "-p", "/"),),
            State.CRITICAL,
        ),
        Case(
            "swap",
            StorageProbe(**AGENT, storage="Swap space", warn_free="1%", crit_free="1%"),
            (("check_swap", "-w", "1%", "-c", "1%"),),
            swap,
        ),
        Case(
            "memory with room",
            StorageProbe(**AGENT, storage="Physical memory", warn_free="0%", crit_free="0%"),
            ((*CHECK_SNMP, "-o", PHYSICAL_MEMORY_USED, "-c", "0:"),),
            State.OK,
        ),
        Case(
            "memory under critical",
            StorageProbe(**AGENT, storage="Physical memory", warn_free="100%", crit_free="100%"),
            ((*CHECK_SNMP, "-o", PHYSICAL_MEMORY_USED, "-c", "0"),),
            State.CRITICAL,
        ),
        Case(
            "mail queue below warning",
            MailQueueProbe(**AGENT, warn=10, crit=20),
            ((*MAILQ, "-w", 10, "-c", 20),),
            State.OK,
        ),
        Case(
            "mail queue at warning",
            MailQueueProbe(**AGENT, warn=3, crit=5),
            ((*MAILQ, "-w", 3, "-c", 5),),
            State.WARNING,
        ),
        Case(
            "mail queue at critical",
            MailQueueProbe(**AGENT, warn=1, crit=3),
            ((*MAILQ, "-w", 1, "-c", 3),),
            State.CRITICAL,
        ),
        Case(
            "mail queue over snmp v3",
            MailQueueProbe(host=HOST, port=SNMP_PORT, auth=V3, warn=10, crit=20),
            ((*MAILQ, "-w", 10, "-c", 20),),
            State.OK,
        ),
        Case(
            "wrong community",
            LoadProbe(host=HOST, port=SNMP_PORT, timeout=3, auth=SnmpAuth(community="wrong")),
            (
                (
                    "check_snmp",
                    "-H",
                    HOST,
                    "-p",
                    SNMP_PORT,
                    "-P",
                    "2c",
                    "-C",
                    "wrong",
                    "-o",
                    SYS_UPTIME,
                    "-t",
                    3,
                ),
            ),
            State.UNKNOWN,
        ),
        Case(
            "wrong v3 passphrase",
            SnmpGetProbe(
                host=HOST,
                port=SNMP_PORT,
                timeout=3,
                oid=SYS_UPTIME,
                auth=SnmpAuth(
                    version="3",
                    user=SNMP_USER[0],
                    auth_key="wrong-passphrase",
                    priv_key=SNMP_USER[2],
                ),
            ),
            (
                (
                    "check_snmp",
                    "-H",
                    HOST,
                    "-p",
                    SNMP_PORT,
                    "-P",
                    "3",
                    "-L",
                    "authPriv",
                    "-U",
                    SNMP_USER[0],
                    "-a",
                    "SHA",
                    "-A",
                    "wrong-passphrase",
                    "-x",
                    "AES",
                    "-X",
                    SNMP_USER[2],
                    "-o",
                    SYS_UPTIME,
                    "-t",
                    3,
                ),
            ),
            State.UNKNOWN,
        ),
        Case(
            "agent port closed",
            SnmpGetProbe(host=HOST, port=1, timeout=3, oid=SYS_UPTIME, auth=V2C),
            (
                (
                    "check_snmp",
                    "-H",
                    HOST,
                    "-p",
                    1,
                    "-P",
                    "2c",
                    "-C",
                    COMMUNITY,
                    "-o",
                    SYS_UPTIME,
                    "-t",
                    3,
                ),
            ),
            State.UNKNOWN,
        ),
    ]


CASE_NAMES = [
    "load under thresholds",
    "load over thresholds",
    "load over snmp v3",
    "cpu within 0..100",
    "cpu below an impossible floor",
    "disk / with room",
    "disk / under warning",
    "disk / under critical",
    "swap",
    "memory with room",
    "memory under critical",
    "mail queue below warning",
    "mail queue at warning",
    "mail queue at critical",
    "mail queue over snmp v3",
    "wrong community",
    "wrong v3 passphrase",
    "agent port closed",
]


@pytest.mark.parametrize("name", CASE_NAMES)
def test_it_agrees_with_the_plugins(servers: None, name: str) -> None:
    # Cases are built after the servers are up: the CPU ones ask the agent first.
    cpu_oid = first_cpu_oid() if name.startswith("cpu") else "(unused)"
    case = next(c for c in cases(cpu_oid) if c.name == name)
    result = check(case.probe)
    outputs = [plugin(*map(str, args)) for args in case.plugins]
    states = [state for state, _output in outputs]
    assert (result.state, states) == (case.expected, [case.expected] * len(states)), (
        f"probe: {result}\nplugins: {outputs}"
    )


def established_on(port: int) -> int:
    """What `ss` sees: the local cross-check for the web connections probe, which has
    no plugin counterpart."""
    out = subprocess.run(
        ["ss", "-Htn", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return len(out.splitlines())


def test_it_counts_established_web_connections(servers: None) -> None:
    async def hold_connections_and_probe() -> tuple[int, int]:
        streams = [await asyncio.open_connection(HOST, HTTP_PORT) for _ in range(3)]
        try:
            seen_by_ss = established_on(HTTP_PORT)
            result = await WebConnectionsProbe(**AGENT, ports=(HTTP_PORT,), crit="2").check()
            assert result.state is State.CRITICAL, str(result)
            return int(result.perfdata[0].value), seen_by_ss
        finally:
            for _reader, writer in streams:
                writer.close()

    counted, seen_by_ss = asyncio.run(hold_connections_and_probe())
    # Other tests may open connections to nginx meanwhile: both see at least our three.
    assert counted >= 3
    assert seen_by_ss >= 3


def test_it_measures_loopback_traffic_from_two_polls(servers: None) -> None:
    # net-snmp caches interface counters for a few seconds; poll across that.
    result = check(TrafficProbe(**AGENT, interface="lo", interval=3.5, timeout=10))
    assert result.state is State.OK, str(result)
    assert [p.label for p in result.perfdata] == ["in_bps", "out_bps"]
    assert all(p.value >= 0 for p in result.perfdata)
