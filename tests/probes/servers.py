"""Where the loopback test servers listen, and helpers to compare with the plugins.

Ports and credentials match deploy/test-servers/ (started by scripts/servers).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import subprocess
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

from clausier.probes import Probe, Result, State

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "servers"
STATE_DIR = Path(os.environ.get("CLAUSIER_SERVERS_DIR", "/tmp/clausier-test-servers"))
PLUGINS = Path("/usr/lib/nagios/plugins")

HOST = "127.0.0.1"
HTTP_PORT = 18080
HTTPS_PORT = 18443
SMTP_PORT = 12525
FTP_PORT = 12121
IMAP_PORT = 11143
POP3_PORT = 11110
SNMP_PORT = 11161
SSH_PORT = 12222
MYSQL_PORT = 3306
# The "mailin" pair (deploy/test-servers/mailin/): a postfix that delivers over LMTP to
# a second dovecot, for the support desk's mail-in end to end.
MAILIN_SMTP_PORT = 12526
MAILIN_IMAP_PORT = 11144
CLOSED_PORT = 1  # nothing listens on tcpmux here
UNREACHABLE = "127.77.0.1"  # scripts/servers routes it to "unreachable"
COMMUNITY = "clausier-ro"
SNMP_USER = ("clausier", "clausier-auth-pass", "clausier-priv-pass")
POSTFIX_CONFIG = STATE_DIR / "postfix" / "etc"
SSH_KEY = STATE_DIR / "ssh" / "client_ed25519"


def start_servers(*names: str) -> None:
    subprocess.run([str(SCRIPT), "start", *names], check=True, timeout=900)


def acquire_servers() -> None:
    """Start every server and count this test process as a user of them."""
    subprocess.run([str(SCRIPT), "acquire"], check=True, timeout=900)


def release_servers() -> None:
    """The last user out stops the servers (CLAUSIER_KEEP_SERVERS=1 keeps them)."""
    subprocess.run([str(SCRIPT), "release"], check=True, timeout=120)


def plugin(name: str, *args: str | int, timeout: float = 60) -> tuple[State, str]:
    """Run a monitoring-plugins program; its exit code is its state."""
    completed = subprocess.run(
        [str(PLUGINS / name), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    output = (completed.stdout + completed.stderr).strip()
    return State(min(completed.returncode, 3)), output


def check(probe: Probe) -> Result:
    return asyncio.run(probe.check())


@contextlib.contextmanager
def fake_server(
    handler: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> Iterator[int]:
    """A tiny TCP server on its own loop and thread; yields its port.

    A thread, because the plugin under comparison runs as a blocking subprocess while
    the server must keep answering.
    """
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    port: list[int] = []

    async def serve() -> asyncio.base_events.Server:
        server = await asyncio.start_server(handler, HOST, 0)
        port.append(server.sockets[0].getsockname()[1])
        return server

    def main() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(serve())
        ready.set()
        loop.run_forever()
        server.close()
        loop.run_until_complete(server.wait_closed())
        loop.close()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield port[0]
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def banner_then_wait(
    banner: bytes,
) -> Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.write(banner)
        await writer.drain()
        with contextlib.suppress(OSError):
            await asyncio.wait_for(reader.read(1024), 5)
        writer.close()

    return handler


async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Accepts and never says a word: a server hung past the timeout."""
    with contextlib.suppress(OSError):
        await asyncio.wait_for(reader.read(1024), 30)
    writer.close()
