"""MySQL/MariaDB probe with asyncmy, with check_mysql's verdicts.

check_mysql connects, reads the server status and says OK; every connection failure
(refused, wrong credentials, unknown database) is CRITICAL with the server's message.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import Any, ClassVar

from clausier.probes.base import Probe, ProbeContext
from clausier.probes.result import Outcome, PerfData, State

STATUS_VARIABLES = (
    "Uptime",
    "Threads_connected",
    "Threads_running",
    "Questions",
    "Slow_queries",
    "Opened_tables",
    "Open_tables",
)
_COUNTERS = {"Questions", "Slow_queries", "Opened_tables", "Uptime"}


@dataclass(frozen=True, kw_only=True)
class MysqlProbe(Probe):
    kind: ClassVar[str] = "mysql"
    port: int = 3306
    user: str = "root"
    password: str = field(default="", repr=False)
    database: str | None = None

    async def run(self, ctx: ProbeContext) -> Outcome:
        from asyncmy.connection import Connection  # noqa: PLC0415 - optional library, loaded by the first check of this kind
        from asyncmy.errors import Error as MysqlError  # noqa: PLC0415 - same

        address = (await ctx.resolve(self.host, self.port))[0]
        connection = Connection(
            host=address,
            port=self.port,
            user=self.user,
            password=self.password,
            database=self.database,
            connect_timeout=self.timeout,
        )
        try:
            await connection.connect()
        except MysqlError as exc:
            return _mismatch(connection) or Outcome(
                State.CRITICAL, f"MySQL CRITICAL - {_message(exc)}"
            )
        except (ValueError, IndexError, KeyError, UnicodeError, struct.error):
            # Not a MySQL greeting at all: libmysqlclient loses the connection there.
            return _mismatch(connection) or Outcome(
                State.CRITICAL,
                "MySQL CRITICAL - Lost connection to server at 'handshake: reading initial "
                "communication packet' (not a MySQL greeting)",
            )
        if mismatch := _mismatch(connection):
            connection.close()
            return mismatch
        try:
            async with connection.cursor() as cursor:
                placeholders = ", ".join(["%s"] * len(STATUS_VARIABLES))
                await cursor.execute(
                    "SHOW GLOBAL STATUS WHERE Variable_name IN (" + placeholders + ")",
                    STATUS_VARIABLES,
                )
                rows = await cursor.fetchall()
        except MysqlError as exc:
            return Outcome(State.CRITICAL, f"MySQL CRITICAL - {_message(exc)}")
        finally:
            connection.close()
        status = {str(name): int(value) for name, value in rows}
        return _status_outcome(status)


PROTOCOL_VERSION = 10  # the only handshake version libmysqlclient and asyncmy speak


def _mismatch(connection: Any) -> Outcome | None:
    """check_mysql gives WARNING (CR_VERSION_ERROR) when the greeting's protocol version
    is older than 10 (MariaDB Connector/C accepts newer ones); asyncmy does not check
    it, so we do."""
    try:
        version = connection.get_proto_info()
    except AttributeError:  # no greeting was read
        return None
    if version is None or version >= PROTOCOL_VERSION:
        return None
    return Outcome(
        State.WARNING,
        f"MySQL WARNING - Protocol mismatch. Server Version = {version} "
        f"Client Version = {PROTOCOL_VERSION}",
    )


def _message(exc: Any) -> str:
    args: tuple[Any, ...] = tuple(getattr(exc, "args", ()))
    if len(args) >= 2:
        return f"{args[1]} ({args[0]})"
    return str(exc)


def _status_outcome(status: dict[str, int]) -> Outcome:
    uptime = status.get("Uptime", 0)
    questions = status.get("Questions", 0)
    qps = questions / uptime if uptime else 0.0
    summary = (
        f"Uptime: {uptime}  Threads: {status.get('Threads_connected', 0)}  "
        f"Questions: {questions}  Slow queries: {status.get('Slow_queries', 0)}  "
        f"Opens: {status.get('Opened_tables', 0)}  Open tables: {status.get('Open_tables', 0)}  "
        f"Queries per second avg: {qps:.3f}"
    )
    perf = tuple(
        PerfData(name, value, "c" if name in _COUNTERS else "") for name, value in status.items()
    )
    return Outcome(State.OK, summary, perf)
