"""Faults from tiny fake servers (wrong banner, hung server, server that hangs up) and a
real server stopped mid-run: the probe and the plugin must give the same state."""

from __future__ import annotations

import asyncio
import signal
import subprocess
from pathlib import Path

import pytest

from clausier.probes import Probe, Runner, State
from clausier.probes.http import HttpProbe
from clausier.probes.tcp import FtpProbe, ImapProbe, Pop3Probe, SmtpProbe
from tests.probes.servers import (
    HOST,
    ROOT,
    STATE_DIR,
    banner_then_wait,
    check,
    fake_server,
    plugin,
    silent,
)

# The servers fixture also installs the monitoring-plugins these tests compare with.
pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers")]


async def hang_up(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.close()


WRONG_BANNERS = [
    ("smtp", b"554 5.3.2 go away\r\n", lambda port: SmtpProbe(host=HOST, port=port), "check_smtp"),
    (
        "ftp",
        b"421 Service not available\r\n",
        lambda port: FtpProbe(host=HOST, port=port),
        "check_ftp",
    ),
    ("pop3", b"-ERR not today\r\n", lambda port: Pop3Probe(host=HOST, port=port), "check_pop"),
    (
        "imap",
        b"* BYE shutting down\r\n",
        lambda port: ImapProbe(host=HOST, port=port),
        "check_imap",
    ),
]


@pytest.mark.parametrize(
    ("name", "banner", "make", "program"), WRONG_BANNERS, ids=[w[0] for w in WRONG_BANNERS]
)
def test_a_wrong_banner_is_a_warning(name: str, banner: bytes, make, program: str) -> None:
    with fake_server(banner_then_wait(banner)) as port:
        result = check(make(port))
        state, output = plugin(program, "-H", HOST, "-p", port)
    assert (result.state, state) == (State.WARNING, State.WARNING), f"{result}\n{output}"


SILENT = [
    ("smtp", lambda port: SmtpProbe(host=HOST, port=port, timeout=1), "check_smtp"),
    ("ftp", lambda port: FtpProbe(host=HOST, port=port, timeout=1), "check_ftp"),
    ("imap", lambda port: ImapProbe(host=HOST, port=port, timeout=1), "check_imap"),
    ("http", lambda port: HttpProbe(host=HOST, port=port, timeout=1), "check_curl"),
]


@pytest.mark.parametrize(("name", "make", "program"), SILENT, ids=[s[0] for s in SILENT])
def test_a_server_silent_past_the_timeout_is_critical(name: str, make, program: str) -> None:
    with fake_server(silent) as port:
        result = check(make(port))
        state, output = plugin(program, "-H", HOST, "-p", port, "-t", 1)
    assert (result.state, state) == (State.CRITICAL, State.CRITICAL), f"{result}\n{output}"


HANG_UPS = [
    ("ftp", lambda port: FtpProbe(host=HOST, port=port), "check_ftp", State.CRITICAL),
    ("smtp", lambda port: SmtpProbe(host=HOST, port=port), "check_smtp", State.WARNING),
]


@pytest.mark.parametrize(
    ("name", "make", "program", "expected"), HANG_UPS, ids=[h[0] for h in HANG_UPS]
)
def test_a_server_that_hangs_up_at_once(name: str, make, program: str, expected: State) -> None:
    with fake_server(hang_up) as port:
        result = check(make(port))
        state, output = plugin(program, "-H", HOST, "-p", port)
    assert (result.state, state) == (expected, expected), f"{result}\n{output}"


def test_a_server_stopped_mid_run_turns_critical(servers: None, tmp_path: Path) -> None:
    """A private vsftpd (so the shared one keeps serving the other worker) is killed
    while the runner keeps probing it."""
    port = 12199
    empty = tmp_path / "empty"
    empty.mkdir()
    config = (ROOT / "deploy" / "test-servers" / "vsftpd.conf").read_text()
    config = config.replace("@STATE@/vsftpd/empty", str(empty)).replace("@STATE@", str(STATE_DIR))
    config = config.replace("listen_port=12121", f"listen_port={port}")
    config = config.replace("vsftpd_log_file=", f"vsftpd_log_file={tmp_path}/ignored-")
    (tmp_path / "vsftpd.conf").write_text(config)
    server = subprocess.Popen(["vsftpd", str(tmp_path / "vsftpd.conf")])
    try:
        probe: Probe = FtpProbe(host=HOST, port=port, timeout=2)

        async def run() -> tuple[list[State], list[State]]:
            runner = Runner()
            for _ in range(50):  # wait for the listener, bounded
                if (await runner.run_one(probe)).state is State.OK:
                    break
                await asyncio.sleep(0.1)
            before = [r.state for r in await runner.run([probe] * 20)]
            server.send_signal(signal.SIGTERM)
            await asyncio.to_thread(server.wait, 10)
            after = [r.state for r in await runner.run([probe] * 20)]
            return before, after

        before, after = asyncio.run(run())
        plugin_state, output = plugin("check_ftp", "-H", HOST, "-p", port)
    finally:
        server.kill()
        server.wait()
    assert set(before) == {State.OK}
    assert set(after) == {State.CRITICAL}
    assert plugin_state is State.CRITICAL, output
