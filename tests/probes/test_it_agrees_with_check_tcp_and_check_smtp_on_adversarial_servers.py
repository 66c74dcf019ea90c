"""Banner services (check_tcp, check_ftp, check_imap, check_pop) and SMTP against fake
servers that split, stall, lie or break TLS: the probe and the plugin must agree."""

from __future__ import annotations

from typing import Any

import pytest

from clausier.probes import State
from clausier.probes.tcp import FtpProbe, ImapProbe, Pop3Probe, SmtpProbe, TcpProbe
from tests.probes.agreement import Case, ids, run_case
from tests.probes.fakes import V6, Expect, Pause, Send, Upgrade, script

pytestmark = [pytest.mark.servers, pytest.mark.usefixtures("servers")]


def make(kind: type, **fields: Any):
    return lambda r: kind(**{"host": r.host, "port": r.port, "timeout": 3, **fields})


def plugin(name: str, *args: str | int | float):
    return lambda r: (name, "-H", r.host, "-p", r.port, "-t", 3, *args)


def banner(*parts: bytes | float) -> Any:
    return script(*(Pause(p) if isinstance(p, float) else Send(p) for p in parts), linger=2)


SMTP_HELLO = (Send(b"220 fake ESMTP\r\n"), Expect(b"\r\n"))
EHLO_STARTTLS = Send(b"250-fake\r\n250-PIPELINING\r\n250 STARTTLS\r\n")
EHLO_PLAIN = Send(b"250-fake\r\n250 PIPELINING\r\n")
QUIT = (Expect(b"QUIT"), Send(b"221 bye\r\n"))


def smtp(*steps: Any) -> Any:
    return script(*SMTP_HELLO, *steps, linger=2)


CASES = [
    # Banners cut by packet boundaries: check_tcp keeps reading while they may match.
    Case(
        "ftp banner split after 2 bytes",
        banner(b"22", 0.3, b"0 ready\r\n"),
        make(FtpProbe),
        plugin("check_ftp"),
        State.OK,
    ),
    Case(
        "ftp banner in three packets",
        banner(b"2", 0.2, b"2", 0.2, b"0 ready\r\n"),
        make(FtpProbe),
        plugin("check_ftp"),
        State.OK,
    ),
    Case(
        "ftp split banner that turns wrong",
        banner(b"22", 0.3, b"1 bye\r\n"),
        make(FtpProbe),
        plugin("check_ftp"),
        State.WARNING,
    ),
    Case(
        "ftp wrong from the first byte",
        banner(b"4", 0.3, b"21 busy\r\n"),
        make(FtpProbe),
        plugin("check_ftp"),
        State.WARNING,
    ),
    Case(
        "ftp partial banner then 2 s of silence",
        banner(b"22", 6.0),
        make(FtpProbe),
        plugin("check_ftp"),
        State.WARNING,
    ),
    Case(
        "ftp partial banner then hang-up",
        script(Send(b"22"), Pause(0.2), linger=0),
        make(FtpProbe),
        plugin("check_ftp"),
        State.WARNING,
    ),
    Case(
        "imap banner split",
        banner(b"* O", 0.3, b"K ready\r\n"),
        make(ImapProbe),
        plugin("check_imap"),
        State.OK,
    ),
    Case(
        "pop banner split",
        banner(b"+", 0.3, b"OK ready\r\n"),
        make(Pop3Probe),
        plugin("check_pop"),
        State.OK,
    ),
    Case(
        "tcp expect cut at the end of a line",
        banner(b"hello RE", 0.3, b"ADY\r\n"),
        make(TcpProbe, expect=("READY",)),
        plugin("check_tcp", "-e", "READY"),
        State.OK,
    ),
    Case(
        "tcp expect after a whole first line",
        banner(b"hello\r\n", 0.3, b"READY\r\n"),
        make(TcpProbe, expect=("READY",)),
        plugin("check_tcp", "-e", "READY"),
        State.OK,
    ),
    Case(
        "tcp expect more than 2 s after the first line",
        banner(b"hello\r\n", 2.5, b"READY\r\n"),
        make(TcpProbe, expect=("READY",), timeout=5),
        lambda r: ("check_tcp", "-H", r.host, "-p", r.port, "-e", "READY", "-t", 5),
        State.WARNING,
    ),
    Case(
        "tcp one of two expected strings",
        banner(b"+OK hi\r\n"),
        make(TcpProbe, expect=("220", "+OK")),
        plugin("check_tcp", "-e", "220", "-e", "+OK"),
        State.OK,
    ),
    Case(
        "tcp send then expect a split reply",
        script(Expect(b"PING"), Send(b"PO"), Pause(0.3), Send(b"NG\r\n"), linger=2),
        make(TcpProbe, send="PING\r\n", expect=("PONG",)),
        plugin("check_tcp", "-s", "PING\r\n", "-e", "PONG"),
        State.OK,
    ),
    Case(
        "tcp silent past the timeout",
        banner(6.0),
        make(TcpProbe, expect=("READY",), timeout=1),
        lambda r: ("check_tcp", "-H", r.host, "-p", r.port, "-e", "READY", "-t", 1),
        State.CRITICAL,
    ),
    # check_tcp -w/-c are plain seconds.
    Case(
        "ftp slow banner past -w",
        banner(0.5, b"220 ready\r\n"),
        make(FtpProbe, warn_time=0.2, crit_time=5),
        plugin("check_ftp", "-w", 0.2, "-c", 5),
        State.WARNING,
    ),
    Case(
        "ftp slow banner past -c",
        banner(0.5, b"220 ready\r\n"),
        make(FtpProbe, warn_time="0.1", crit_time="0.3"),
        plugin("check_ftp", "-w", 0.1, "-c", 0.3),
        State.CRITICAL,
    ),
    Case(
        "ftp banner within -w",
        banner(b"220 ready\r\n"),
        make(FtpProbe, warn_time=2, crit_time=3),
        plugin("check_ftp", "-w", 2, "-c", 3),
        State.OK,
    ),
    Case(
        "imap wrong banner, slow past -c",
        banner(0.5, b"* BYE\r\n"),
        make(ImapProbe, warn_time=0.1, crit_time=0.3),
        plugin("check_imap", "-w", 0.1, "-c", 0.3),
        State.CRITICAL,
    ),
    # IPv6 and TLS.
    Case(
        "ftp over IPv6",
        banner(b"220 ready\r\n"),
        make(FtpProbe),
        plugin("check_ftp"),
        State.OK,
        host=V6,
    ),
    Case(
        "pop wrong banner over IPv6",
        banner(b"-ERR no\r\n"),
        make(Pop3Probe),
        plugin("check_pop"),
        State.WARNING,
        host=V6,
    ),
    Case(
        "tcp over TLS",
        banner(b"READY\r\n"),
        make(TcpProbe, expect=("READY",), tls=True),
        plugin("check_tcp", "-S", "-e", "READY"),
        State.OK,
        tls=True,
    ),
    Case(
        "tcp TLS to a plain server",
        banner(b"READY\r\n"),
        make(TcpProbe, expect=("READY",), tls=True),
        plugin("check_tcp", "-S", "-e", "READY"),
        State.CRITICAL,
    ),
    # SMTP.
    Case(
        "smtp STARTTLS not offered",
        smtp(EHLO_PLAIN, *QUIT),
        make(SmtpProbe, starttls=True),
        plugin("check_smtp", "-S"),
        State.WARNING,
    ),
    Case(
        "smtp STARTTLS refused",
        smtp(EHLO_STARTTLS, Expect(b"STARTTLS"), Send(b"454 TLS not available\r\n"), *QUIT),
        make(SmtpProbe, starttls=True),
        plugin("check_smtp", "-S"),
        State.UNKNOWN,
    ),
    Case(
        "smtp no EHLO answer after TLS",
        smtp(EHLO_STARTTLS, Expect(b"STARTTLS"), Send(b"220 go ahead\r\n"), Upgrade(), Pause(0.2)),
        make(SmtpProbe, starttls=True),
        plugin("check_smtp", "-S"),
        State.UNKNOWN,
    ),
    Case(
        "smtp STARTTLS complete",
        smtp(
            EHLO_STARTTLS,
            Expect(b"STARTTLS"),
            Send(b"220 go ahead\r\n"),
            Upgrade(),
            Expect(b"\r\n"),
            EHLO_PLAIN,
            *QUIT,
        ),
        make(SmtpProbe, starttls=True),
        plugin("check_smtp", "-S"),
        State.OK,
    ),
    Case(
        "smtp TLS handshake fails",
        smtp(
            EHLO_STARTTLS,
            Expect(b"STARTTLS"),
            Send(b"220 go ahead\r\n"),
            Send(b"this is not TLS\r\n"),
        ),
        make(SmtpProbe, starttls=True),
        plugin("check_smtp", "-S"),
        State.CRITICAL,
    ),
    Case(
        "smtp multi-line banner",
        script(Send(b"220-fake\r\n220 ESMTP\r\n"), Expect(b"\r\n"), EHLO_PLAIN, *QUIT, linger=2),
        make(SmtpProbe),
        plugin("check_smtp"),
        State.OK,
    ),
    Case(
        "smtp banner split",
        script(
            Send(b"22"),
            Pause(0.3),
            Send(b"0 fake\r\n"),
            Expect(b"\r\n"),
            EHLO_PLAIN,
            *QUIT,
            linger=2,
        ),
        make(SmtpProbe),
        plugin("check_smtp"),
        State.OK,
    ),
    Case(
        "smtp EHLO rejected",
        smtp(Send(b"502 no EHLO\r\n"), *QUIT),
        make(SmtpProbe),
        plugin("check_smtp"),
        State.OK,
    ),
    Case(
        "smtp silent after the banner",
        smtp(Pause(6.0)),
        make(SmtpProbe, timeout=1),
        lambda r: ("check_smtp", "-H", r.host, "-p", r.port, "-t", 1),
        State.CRITICAL,
    ),
    Case("smtp hang-up after EHLO", smtp(), make(SmtpProbe), plugin("check_smtp"), State.WARNING),
    Case(
        "smtp slow banner past -w",
        script(Pause(0.5), *SMTP_HELLO, EHLO_PLAIN, *QUIT),
        make(SmtpProbe, warn_time=0.2, crit_time=5),
        plugin("check_smtp", "-w", 0.2, "-c", 5),
        State.WARNING,
    ),
    Case(
        "smtp slow banner past -c",
        script(Pause(0.5), *SMTP_HELLO, EHLO_PLAIN, *QUIT),
        make(SmtpProbe, warn_time=0.1, crit_time=0.3),
        plugin("check_smtp", "-w", 0.1, "-c", 0.3),
        State.CRITICAL,
    ),
    Case(
        "smtp over IPv6",
        smtp(EHLO_PLAIN, *QUIT),
        make(SmtpProbe),
        plugin("check_smtp"),
        State.OK,
        host=V6,
    ),
    Case(
        "smtp 421 banner",
        script(Send(b"421 busy\r\n"), linger=1),
        make(SmtpProbe),
        plugin("check_smtp"),
        State.WARNING,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_it_agrees_with_the_plugin(case: Case) -> None:
    run_case(case)
