"""HTTP(S) against fake servers that misbehave the ways real ones do: the probe and
check_curl must give the same state. Rows of docs/probes.md, "adversarial"."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from clausier.probes import State
from clausier.probes.http import HttpProbe
from tests.probes.agreement import Case, Difference, ids, run_case, run_difference
from tests.probes.fakes import V6, Handler, http_reply, http_routes, response

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers")]

LINES = response(200, b"alpha\nbeta\ngamma\n")
BIG = 3 << 20  # past the probe's 1 MiB body buffer


def probe(**fields: Any):
    return lambda r: HttpProbe(**{"host": r.host, "port": r.port, "timeout": 3, **fields})


def curl(*args: str | int | float):
    return lambda r: ("check_curl", "-I", r.host, "-p", r.port, "-t", 3, *args)


def http(*args: str | int | float):
    return lambda r: ("check_http", "-I", r.host, "-p", r.port, "-t", 3, *args)


def chunked(*chunks: bytes, end: bytes = b"0\r\n\r\n") -> bytes:
    head = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    return head + b"".join(b"%x\r\n%s\r\n" % (len(c), c) for c in chunks) + end


def raw_head(*headers: str) -> bytes:
    return ("\r\n".join(["HTTP/1.1 200 OK", *headers]) + "\r\n\r\n").encode("latin-1")


def redirect(location: str, status: int = 302) -> bytes:
    return response(status, b"moved", {"Location": location})


async def _head(reader: asyncio.StreamReader) -> str:
    return (await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)).decode("latin-1")


def host_checking() -> Handler:
    """Answers 400 to a Host header that is not a valid authority (an IPv6 literal must
    be bracketed, RFC 3986 3.2.2), as nginx and Apache do; 200 otherwise."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await _head(reader)
            hosts = [
                line.split(":", 1)[1].strip()
                for line in head.split("\r\n")
                if line.lower().startswith("host:")
            ]
            valid = len(hosts) == 1 and (hosts[0].startswith("[") or hosts[0].count(":") <= 1)
            writer.write(response(200, b"host ok") if valid else response(400, b"bad host"))
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return handler


def sni_checking(wanted: str) -> Handler:
    """200 when the TLS hello named `wanted` (SNI), 421 Misdirected Request otherwise."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await _head(reader)
            name = getattr(writer.get_extra_info("ssl_object"), "clausier_sni", None)
            ok = name == wanted
            writer.write(response(200, b"vhost") if ok else response(421, b"misdirected"))
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()

    return handler


def absolute_chain(hops: int) -> Handler:
    """/0 -> /1 -> ... -> /hops (200); /loop -> /loop; /ping <-> /pong. Locations are
    absolute, with the server's own bracketed address (check_curl 2.3.3 loses the port
    on relative ones, a deliberate difference listed in docs/probes.md)."""

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await _head(reader)
            path = head.split(" ", 2)[1]
            address, port = writer.get_extra_info("sockname")[:2]
            base = f"http://[{address}]:{port}" if ":" in address else f"http://{address}:{port}"
            if path in ("/loop", "/ping", "/pong"):
                to = {"/loop": "/loop", "/ping": "/pong", "/pong": "/ping"}[path]
                reply = redirect(base + to)
            elif (step := int(path.strip("/") or 0)) < hops:
                reply = redirect(f"{base}/{step + 1}")
            else:
                reply = response(200, b"end of chain")
            writer.write(reply)
            await writer.drain()
        except (OSError, TimeoutError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            writer.close()

    return handler


CASES = [
    # -r is POSIX extended regex with REG_NEWLINE: ^ and $ match at every line.
    Case(
        "regex anchored on a middle line",
        http_reply(LINES),
        probe(expect_regex="^beta$"),
        curl("-r", "^beta$"),
        State.OK,
    ),
    Case(
        "regex dot does not cross lines",
        http_reply(LINES),
        probe(expect_regex="alpha.beta"),
        curl("-r", "alpha.beta"),
        State.CRITICAL,
    ),
    Case(
        "regex line end anchor",
        http_reply(LINES),
        probe(expect_regex="a$"),
        curl("-r", "a$"),
        State.OK,
    ),
    Case(
        "regex ignoring case",
        http_reply(LINES),
        probe(expect_regex="^BETA", regex_ignore_case=True),
        curl("-R", "^BETA"),
        State.OK,
    ),
    Case(
        "regex case sensitive misses",
        http_reply(LINES),
        probe(expect_regex="^BETA"),
        curl("-r", "^BETA"),
        State.CRITICAL,
    ),
    # 1xx interim responses come before the real one.
    Case(
        "100 Continue then 200",
        http_reply(b"HTTP/1.1 100 Continue\r\n\r\n", response(200, b"done")),
        probe(expect_string="done"),
        curl("-s", "done"),
        State.OK,
    ),
    Case(
        "100 Continue then 500",
        http_reply(b"HTTP/1.1 100 Continue\r\n\r\n", response(500, b"broken")),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "100 Continue then 404",
        http_reply(b"HTTP/1.1 100 Continue\r\n\r\n", response(404)),
        probe(),
        curl(),
        State.WARNING,
    ),
    # Expected text far into a large page.
    Case(
        "string past the body buffer",
        http_reply(response(200, b"z" * BIG + b"needle")),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.OK,
    ),
    Case(
        "regex past the body buffer",
        http_reply(response(200, b"z\n" * (BIG // 2) + b"needle here\n")),
        probe(expect_regex="^needle"),
        curl("-r", "^needle"),
        State.OK,
    ),
    Case(
        "string absent from a large page",
        http_reply(response(200, b"z" * BIG)),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.CRITICAL,
    ),
    Case(
        "string split across chunks",
        http_reply(chunked(b"nee", b"dle")),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.OK,
    ),
    Case(
        "chunk extension",
        http_reply(raw_head("Transfer-Encoding: chunked") + b"4;name=value\r\nbody\r\n0\r\n\r\n"),
        probe(expect_string="body"),
        curl("-s", "body"),
        State.OK,
    ),
    # Malformed framing: CRITICAL with a readable message, never a Python error.
    Case(
        "chunk size not hexadecimal",
        http_reply(raw_head("Transfer-Encoding: chunked") + b"zz\r\nbody\r\n0\r\n\r\n"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "chunk shorter than announced",
        http_reply(raw_head("Transfer-Encoding: chunked") + b"100\r\nshort"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "chunk size absurdly large",
        http_reply(raw_head("Transfer-Encoding: chunked") + b"fffffffffffffffffff\r\nx"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "content-length not a number",
        http_reply(raw_head("Content-Length: abc") + b"body"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "content-length negative",
        http_reply(raw_head("Content-Length: -5") + b"body"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "content-length longer than the body",
        http_reply(raw_head("Content-Length: 1000") + b"short body"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "two different content-lengths",
        http_reply(raw_head("Content-Length: 4", "Content-Length: 6") + b"body!!"),
        probe(),
        curl(),
        State.OK,
    ),
    Case(
        "header line of 200 KiB",
        http_reply(raw_head("X-Big: " + "a" * (200 << 10), "Content-Length: 2") + b"ok"),
        probe(),
        curl(),
        State.CRITICAL,
    ),
    Case(
        "headers of 300 KiB in all",
        http_reply(
            raw_head(*[f"X-H{i}: {'b' * 1000}" for i in range(300)], "Content-Length: 2") + b"ok"
        ),
        probe(),
        curl(),
        State.OK,
    ),
    Case(
        "many small headers",
        http_reply(raw_head(*[f"X-H{i}: v" for i in range(500)], "Content-Length: 6") + b"needle"),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.OK,
    ),
    Case(
        "status line not HTTP", http_reply(b"HELLO THERE\r\n\r\n"), probe(), curl(), State.CRITICAL
    ),
    Case("empty reply", http_reply(), probe(), curl(), State.CRITICAL),
    Case(
        "status 600", http_reply(response(600, b"x", reason="Odd")), probe(), curl(), State.CRITICAL
    ),
    # check_curl 2.3.3 cannot parse these two (docs/probes.md); check_http can.
    Case(
        "bare LF line endings",
        http_reply(b"HTTP/1.1 200 OK\nContent-Length: 6\n\nneedle"),
        probe(expect_string="needle"),
        http("-s", "needle"),
        State.OK,
    ),
    Case(
        "no reason phrase",
        http_reply(b"HTTP/1.1 200\r\nContent-Length: 2\r\n\r\nok"),
        probe(),
        curl(),
        State.OK,
    ),
    Case(
        "HTTP/1.0 read to close",
        http_reply(b"HTTP/1.0 200 OK\r\n\r\nneedle"),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.OK,
    ),
    Case(
        "string only in a header",
        http_reply(response(200, b"body", {"X-Needle": "needle"})),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.CRITICAL,
    ),
    Case(
        "404 with the string",
        http_reply(response(404, b"needle")),
        probe(expect_string="needle"),
        curl("-s", "needle"),
        State.WARNING,
    ),
    Case(
        "headers then silence past the timeout",
        http_reply(raw_head("Content-Length: 100") + b"part", 5.0),
        probe(timeout=1),
        curl("-t", 1),
        State.CRITICAL,
    ),
    Case(
        "slow first byte past warning",
        http_reply(0.6, response(200, b"ok")),
        probe(warn_time="0.3", crit_time="2"),
        curl("-w", 0.3, "-c", 2),
        State.WARNING,
    ),
    Case(
        "slow first byte past critical",
        http_reply(0.6, response(200, b"ok")),
        probe(warn_time="0.1", crit_time="0.3"),
        curl("-w", 0.1, "-c", 0.3),
        State.CRITICAL,
    ),
    # Redirects.
    Case(
        "3xx without Location, not followed",
        http_reply(response(302, b"nowhere")),
        probe(),
        curl(),
        State.OK,
    ),
    Case(
        "3xx without Location, followed",
        http_reply(response(302, b"nowhere")),
        probe(follow_redirects=True),
        http("-f", "follow"),
        State.UNKNOWN,
    ),
    Case(
        "redirect to itself",
        absolute_chain(0),
        probe(path="/loop", follow_redirects=True),
        curl("-u", "/loop", "-f", "follow"),
        State.CRITICAL,
    ),
    Case(
        "redirect loop of two",
        absolute_chain(0),
        probe(path="/ping", follow_redirects=True),
        curl("-u", "/ping", "-f", "follow"),
        State.WARNING,
    ),
    Case(
        "15 redirects, the limit",
        absolute_chain(15),
        probe(path="/0", follow_redirects=True),
        curl("-u", "/0", "-f", "follow"),
        State.OK,
    ),
    Case(
        "16 redirects, one past the limit",
        absolute_chain(16),
        probe(path="/0", follow_redirects=True),
        curl("-u", "/0", "-f", "follow"),
        State.WARNING,
    ),
    Case(
        "redirect chain within the limit",
        absolute_chain(10),
        probe(path="/0", follow_redirects=True, expect_string="end of chain"),
        curl("-u", "/0", "-f", "follow", "-s", "end of chain"),
        State.OK,
    ),
    Case(
        "redirect chain past the limit",
        absolute_chain(20),
        probe(path="/0", follow_redirects=True),
        curl("-u", "/0", "-f", "follow"),
        State.WARNING,
    ),
    Case("301 not followed", http_reply(redirect("/elsewhere", 301)), probe(), curl(), State.OK),
    # IPv6: Host header and redirects with a bracketed literal.
    Case("IPv6 Host header bracketed", host_checking(), probe(), curl(), State.OK, host=V6),
    Case(
        "IPv6 absolute redirect",
        absolute_chain(2),
        probe(path="/0", follow_redirects=True, expect_string="end of chain"),
        curl("-u", "/0", "-f", "follow", "-s", "end of chain"),
        State.OK,
        host=V6,
    ),
    Case("IPv6 404", http_reply(response(404)), probe(), curl(), State.WARNING, host=V6),
    # TLS.
    Case(
        "SNI follows the virtual host",
        sni_checking("vhost.clausier.test"),
        probe(tls=True, virtual_host="vhost.clausier.test"),
        curl("-S", "--sni", "-H", "vhost.clausier.test"),
        State.OK,
        tls=True,
    ),
    Case(
        "TLS 500", http_reply(response(500)), probe(tls=True), curl("-S"), State.CRITICAL, tls=True
    ),
    Case(
        "TLS on IPv6",
        http_reply(response(200, b"ok")),
        probe(tls=True),
        curl("-S"),
        State.OK,
        host=V6,
        tls=True,
    ),
    Case(
        "plain HTTP to a TLS server",
        http_reply(response(200)),
        probe(),
        curl(),
        State.CRITICAL,
        tls=True,
    ),
    Case(
        "TLS to a plain server",
        http_reply(response(200), read_request=False),
        probe(tls=True),
        curl("-S"),
        State.CRITICAL,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_it_agrees_with_check_curl(case: Case) -> None:
    run_case(case)


# Where check_curl 2.3.3 is wrong (docs/probes.md, "Deliberate differences").
DIFFERENCES = [
    Difference(
        Case(
            "relative redirect on a non-default port",
            http_routes({"/": redirect("/target"), "/target": response(200, b"target")}),
            probe(follow_redirects=True, expect_string="target"),
            curl("-f", "follow", "-s", "target"),
            State.OK,
        ),
        State.CRITICAL,  # check_curl goes to port 80; fixed upstream in PR #2010
    ),
    Difference(
        Case(
            "3xx without Location, followed",
            http_reply(response(302, b"nowhere")),
            probe(follow_redirects=True),
            curl("-f", "follow"),
            State.UNKNOWN,
        ),
        State.CRITICAL,  # check_curl goes to port 80; check_http says UNKNOWN
    ),
    Difference(
        Case(
            "bare LF line endings",
            http_reply(b"HTTP/1.1 200 OK\nContent-Length: 6\n\nneedle"),
            probe(expect_string="needle"),
            curl("-s", "needle"),
            State.OK,
        ),
        State.CRITICAL,  # check_curl's own status-line parser wants CRLF
    ),
    Difference(
        Case(
            "IPv6 redirect to itself",
            absolute_chain(0),
            probe(path="/loop", follow_redirects=True),
            curl("-u", "/loop", "-f", "follow"),
            State.CRITICAL,
            host=V6,
        ),
        State.WARNING,  # check_curl misses the loop and runs to the depth limit
    ),
]


@pytest.mark.parametrize("difference", DIFFERENCES, ids=[d.case.name for d in DIFFERENCES])
def test_it_differs_from_check_curl_only_where_check_curl_is_wrong(
    difference: Difference,
) -> None:
    run_difference(difference)
