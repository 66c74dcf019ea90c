"""Adversarial fake servers for the agreement suite: asyncio, loopback, IPv4 or IPv6,
plain or TLS (a certificate generated for the session).

Each server runs on its own event loop in a thread, because the plugin under comparison
runs as a blocking subprocess while the server must keep answering. A handler sees every
connection; `Script` builds the common ones (send these bytes, pause, close) so that a
case reads as the conversation it stages.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import ipaddress
import ssl
import tempfile
import threading
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]

V4 = "127.0.0.1"
V6 = "::1"


@functools.cache
def certificate() -> tuple[Path, Path]:
    """A self-signed certificate for localhost, 127.0.0.1, ::1 and a virtual host,
    generated once per test process (key and certificate files)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("vhost.clausier.test"),
                    x509.IPAddress(ipaddress.ip_address(V4)),
                    x509.IPAddress(ipaddress.ip_address(V6)),
                ]
            ),
            critical=False,
        )
        .sign(key, hashes.SHA256())
    )
    folder = Path(tempfile.mkdtemp(prefix="clausier-fake-tls-"))
    key_file, cert_file = folder / "key.pem", folder / "cert.pem"
    key_file.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_file, cert_file


def server_tls_context(on_sni: Callable[[str | None], None] | None = None) -> ssl.SSLContext:
    key_file, cert_file = certificate()
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert_file, key_file)
    if on_sni is not None:

        def callback(sock: ssl.SSLObject, name: str | None, _ctx: ssl.SSLContext) -> None:
            # Kept on the connection too, so that a handler can answer by the name asked.
            sock.clausier_sni = name  # type: ignore[attr-defined]
            on_sni(name)

        context.sni_callback = callback  # type: ignore[assignment]
    return context


@dataclass
class Running:
    """What a test needs from a running fake server."""

    host: str
    port: int
    # Names the clients asked for in their TLS hello (SNI), in order.
    sni: list[str | None] = field(default_factory=list)

    @property
    def url_host(self) -> str:
        return f"[{self.host}]" if ":" in self.host else self.host


@contextlib.contextmanager
def serve(handler: Handler, host: str = V4, tls: bool = False) -> Iterator[Running]:
    """Run `handler` for every connection on `host`, an ephemeral port; yields it."""
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    running = Running(host, 0)
    context = server_tls_context(running.sni.append) if tls else None

    async def start() -> asyncio.Server:
        server = await asyncio.start_server(handler, host, 0, ssl=context)
        running.port = server.sockets[0].getsockname()[1]
        return server

    def main() -> None:
        asyncio.set_event_loop(loop)
        server = loop.run_until_complete(start())
        ready.set()
        loop.run_forever()
        server.close()
        # Cancel handlers still waiting (a server that stalls on purpose).
        for task in asyncio.all_tasks(loop):
            task.cancel()
        with contextlib.suppress(Exception):
            loop.run_until_complete(asyncio.sleep(0))
        loop.close()

    thread = threading.Thread(target=main, daemon=True)
    thread.start()
    if not ready.wait(10):
        raise RuntimeError("fake server did not start")
    try:
        yield running
    finally:
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


# --- scripted conversations -------------------------------------------------------


@dataclass(frozen=True)
class Send:
    data: bytes


@dataclass(frozen=True)
class Pause:
    seconds: float


@dataclass(frozen=True)
class Expect:
    """Read until this marker is seen (or the peer goes away)."""

    marker: bytes


@dataclass(frozen=True)
class Upgrade:
    """Switch the connection to TLS (after a STARTTLS)."""


Step = Send | Pause | Expect | Upgrade


def script(*steps: Step, linger: float = 5.0) -> Handler:
    """A handler that plays `steps`, then waits up to `linger` s for the client to go."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        buffer = b""
        try:
            for step in steps:
                if isinstance(step, Send):
                    writer.write(step.data)
                    await writer.drain()
                elif isinstance(step, Pause):
                    await asyncio.sleep(step.seconds)
                elif isinstance(step, Expect):
                    while step.marker not in buffer:
                        chunk = await asyncio.wait_for(reader.read(4096), 10)
                        if not chunk:
                            return
                        buffer += chunk
                    buffer = buffer.split(step.marker, 1)[1]
                elif isinstance(step, Upgrade):
                    await writer.start_tls(server_tls_context())
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(reader.read(65536), linger)
        except (OSError, TimeoutError, ssl.SSLError):
            pass
        finally:
            writer.close()

    return handler


def http_reply(*parts: bytes | float, read_request: bool = True) -> Handler:
    """An HTTP server that reads one request, then writes `parts` (bytes are sent,
    numbers are pauses in seconds) and closes."""
    steps: list[Step] = [Expect(b"\r\n\r\n")] if read_request else []
    for part in parts:
        steps.append(Pause(part) if isinstance(part, float) else Send(part))
    return script(*steps, linger=0.2)


def http_routes(routes: dict[str, bytes]) -> Handler:
    """An HTTP server answering by request path (exact match), 404 otherwise."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            path = head.split(b" ", 2)[1].decode("latin-1")
            writer.write(routes.get(path, response(404, b"no route")))
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, IndexError):
            pass
        finally:
            writer.close()

    return handler


def response(
    status: int,
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    reason: str = "",
) -> bytes:
    """A well-formed HTTP/1.1 response with Content-Length."""
    reason = reason or {200: "OK", 301: "Moved Permanently", 302: "Found", 404: "Not Found"}.get(
        status, "Status"
    )
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Length: {len(body)}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


# --- requests seen -------------------------------------------------------------------


def recording_http(seen: list[bytes], reply: bytes) -> Handler:
    """An HTTP server that keeps every request head it receives."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            seen.append(await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10))
            writer.write(reply)
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return handler
