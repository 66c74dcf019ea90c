"""HTTP, SMTP, FTP, POP3, IMAP and TCP probes against the real loopback servers, each case
also checked by the matching monitoring-plugins program: both states must be the one
expected. Rows of docs/probes.md."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from clausier.probes import Probe, State
from clausier.probes.http import HttpProbe
from clausier.probes.tcp import FtpProbe, ImapProbe, Pop3Probe, SmtpProbe, TcpProbe
from tests.probes.servers import (
    CLOSED_PORT,
    FTP_PORT,
    HOST,
    HTTP_PORT,
    HTTPS_PORT,
    IMAP_PORT,
    POP3_PORT,
    SMTP_PORT,
    check,
    plugin,
)

pytestmark = pytest.mark.servers


@dataclass(frozen=True)
class Case:
    name: str
    probe: Probe
    plugin: tuple[str | int, ...]
    expected: State


H = ("-H", HOST)
CASES = [
    Case(
        "http 200",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/ok"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/ok"),
        State.OK,
    ),
    Case(
        "http 302 not followed",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/redirect"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/redirect"),
        State.OK,
    ),
    Case(
        "http 302 followed",
        HttpProbe(
            host=HOST,
            port=HTTP_PORT,
            path="/redirect",
            follow_redirects=True,
            expect_string="clausier ok",
        ),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/redirect", "-f", "follow", "-s", "clausier ok"),
        State.OK,
    ),
    Case(
        "http 404",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/missing"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/missing"),
        State.WARNING,
    ),
    Case(
        "http 500",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/error"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/error"),
        State.CRITICAL,
    ),
    Case(
        "http string found",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/ok", expect_string="clausier"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/ok", "-s", "clausier"),
        State.OK,
    ),
    Case(
        "http string missing",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/ok", expect_string="absent"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/ok", "-s", "absent"),
        State.CRITICAL,
    ),
    Case(
        "http regex found",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/ok", expect_regex="clau[s]ier +ok"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/ok", "-r", "clau[s]ier +ok"),
        State.OK,
    ),
    Case(
        "http regex missing",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/ok", expect_regex="^nothing$"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/ok", "-r", "^nothing$"),
        State.CRITICAL,
    ),
    Case(
        "http slow past warning",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/slow.txt", warn_time="1", crit_time="9"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/slow.txt", "-w", 1, "-c", 9),
        State.WARNING,
    ),
    Case(
        "http slow past critical",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/slow.txt", warn_time="0.5", crit_time="1"),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/slow.txt", "-w", "0.5", "-c", 1),
        State.CRITICAL,
    ),
    Case(
        "http slow past timeout",
        HttpProbe(host=HOST, port=HTTP_PORT, path="/slow.txt", timeout=1),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/slow.txt", "-t", 1),
        State.CRITICAL,
    ),
    Case(
        "http port closed",
        HttpProbe(host=HOST, port=CLOSED_PORT),
        ("check_curl", *H, "-p", CLOSED_PORT),
        State.CRITICAL,
    ),
    Case(
        "http stub_status",
        HttpProbe(
            host=HOST, port=HTTP_PORT, path="/stub_status", expect_string="Active connections"
        ),
        ("check_curl", *H, "-p", HTTP_PORT, "-u", "/stub_status", "-s", "Active connections"),
        State.OK,
    ),
    Case(
        "https 200",
        HttpProbe(host=HOST, port=HTTPS_PORT, tls=True, path="/ok"),
        ("check_curl", *H, "-p", HTTPS_PORT, "-S", "-u", "/ok"),
        State.OK,
    ),
    # The test certificate lives 10 days (scripts/servers renews it daily).
    Case(
        "https certificate far from expiry",
        HttpProbe(host=HOST, port=HTTPS_PORT, tls=True, cert_days=(5, 3)),
        ("check_curl", *H, "-p", HTTPS_PORT, "-S", "-C", "5,3"),
        State.OK,
    ),
    Case(
        "https certificate within warning days",
        HttpProbe(host=HOST, port=HTTPS_PORT, tls=True, cert_days=(30, 5)),
        ("check_curl", *H, "-p", HTTPS_PORT, "-S", "-C", "30,5"),
        State.WARNING,
    ),
    Case(
        "https certificate within critical days",
        HttpProbe(host=HOST, port=HTTPS_PORT, tls=True, cert_days=(30, 20)),
        ("check_curl", *H, "-p", HTTPS_PORT, "-S", "-C", "30,20"),
        State.CRITICAL,
    ),
    Case(
        "smtp banner 220",
        SmtpProbe(host=HOST, port=SMTP_PORT),
        ("check_smtp", *H, "-p", SMTP_PORT),
        State.OK,
    ),
    Case(
        "smtp starttls",
        SmtpProbe(host=HOST, port=SMTP_PORT, starttls=True),
        ("check_smtp", *H, "-p", SMTP_PORT, "-S"),
        State.OK,
    ),
    Case(
        "smtp response time past critical",
        SmtpProbe(host=HOST, port=SMTP_PORT, warn_time="0", crit_time="0"),
        ("check_smtp", *H, "-p", SMTP_PORT, "-w", 0, "-c", 0),
        State.CRITICAL,
    ),
    Case(
        "smtp port closed",
        SmtpProbe(host=HOST, port=CLOSED_PORT),
        ("check_smtp", *H, "-p", CLOSED_PORT),
        State.CRITICAL,
    ),
    Case(
        "ftp banner 220",
        FtpProbe(host=HOST, port=FTP_PORT),
        ("check_ftp", *H, "-p", FTP_PORT),
        State.OK,
    ),
    Case(
        "ftp response time past warning",
        FtpProbe(host=HOST, port=FTP_PORT, warn_time="0", crit_time="5"),
        ("check_ftp", *H, "-p", FTP_PORT, "-w", 0, "-c", 5),
        State.WARNING,
    ),
    Case(
        "ftp port closed",
        FtpProbe(host=HOST, port=CLOSED_PORT),
        ("check_ftp", *H, "-p", CLOSED_PORT),
        State.CRITICAL,
    ),
    Case(
        "pop3 banner +OK",
        Pop3Probe(host=HOST, port=POP3_PORT),
        ("check_pop", *H, "-p", POP3_PORT),
        State.OK,
    ),
    Case(
        "pop3 port closed",
        Pop3Probe(host=HOST, port=CLOSED_PORT),
        ("check_pop", *H, "-p", CLOSED_PORT),
        State.CRITICAL,
    ),
    Case(
        "imap banner * OK",
        ImapProbe(host=HOST, port=IMAP_PORT),
        ("check_imap", *H, "-p", IMAP_PORT),
        State.OK,
    ),
    Case(
        "imap response time past critical",
        ImapProbe(host=HOST, port=IMAP_PORT, warn_time="0", crit_time="0"),
        ("check_imap", *H, "-p", IMAP_PORT, "-w", 0, "-c", 0),
        State.CRITICAL,
    ),
    Case(
        "imap on the pop3 port (wrong banner)",
        ImapProbe(host=HOST, port=POP3_PORT),
        ("check_imap", *H, "-p", POP3_PORT),
        State.WARNING,
    ),
    Case(
        "tcp connect",
        TcpProbe(host=HOST, port=HTTP_PORT),
        ("check_tcp", *H, "-p", HTTP_PORT),
        State.OK,
    ),
    Case(
        "tcp port closed",
        TcpProbe(host=HOST, port=CLOSED_PORT),
        ("check_tcp", *H, "-p", CLOSED_PORT),
        State.CRITICAL,
    ),
    Case(
        "tcp send and expect",
        TcpProbe(
            host=HOST, port=HTTP_PORT, send="HEAD / HTTP/1.0\r\n\r\n", expect=("HTTP/1.1 200",)
        ),
        ("check_tcp", *H, "-p", HTTP_PORT, "-s", "HEAD / HTTP/1.0\r\n\r\n", "-e", "HTTP/1.1 200"),
        State.OK,
    ),
    Case(
        "tcp over tls, send and expect",
        TcpProbe(
            host=HOST,
            port=HTTPS_PORT,
            tls=True,
            send="HEAD / HTTP/1.0\r\n\r\n",
            expect=("HTTP/1.1 200",),
        ),
        (
            "check_tcp",
            *H,
            "-p",
            HTTPS_PORT,
            "-S",
            "-s",
            "HEAD / HTTP/1.0\r\n\r\n",
            "-e",
            "HTTP/1.1 200",
        ),
        State.OK,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_it_agrees_with_the_plugin(servers: None, case: Case) -> None:
    result = check(case.probe)
    plugin_state, plugin_output = plugin(*map(str, case.plugin))
    assert (result.state, plugin_state) == (case.expected, case.expected), (
        f"probe: {result}\nplugin: {plugin_output}"
    )
