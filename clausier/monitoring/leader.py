"""One scheduler at a time: leader election with a PostgreSQL advisory lock.

Every `clausier monitor` (and the monitor inside `clausier run`) on PostgreSQL asks for
the session-level advisory lock `LOCK_KEY` with `pg_try_advisory_lock`, on a connection
of its own (not Django's: that one is closed and reopened freely; the lock lives as long
as its session). The one that gets it is the leader and schedules the checks; the others
are standbys and ask again every `poll` seconds. When the leader dies, however abruptly
(SIGKILL, power), its session ends — the kernel closes the socket, PostgreSQL ends the
backend — and the lock goes with it: a standby takes over at its next poll. A leader that
can no longer reach its lock connection steps down at once (it cannot know whether
another took over).

SQLite has no such lock and no second scheduler sharing its file over a network: there
is no election there, the monitor simply runs (one per database, as documented).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import connection

log = logging.getLogger(__name__)

# "clausier monitor" in a 64-bit key; advisory locks are per database, so two Clausier
# databases on one server each have their leader.
LOCK_KEY = 0x636C617573_6D6F6E


def election_needed() -> bool:
    return connection.vendor == "postgresql"


def _conninfo() -> dict[str, Any]:
    settings = connection.settings_dict
    params: dict[str, Any] = {
        "dbname": settings["NAME"],
        "user": settings.get("USER") or None,
        "password": settings.get("PASSWORD") or None,
        "host": settings.get("HOST") or None,
        "port": settings.get("PORT") or None,
        "connect_timeout": 5,
        "application_name": "clausier-monitor-leader",
    }
    options = settings.get("OPTIONS") or {}
    if "sslmode" in options:
        params["sslmode"] = options["sslmode"]
    return {key: value for key, value in params.items() if value is not None}


class LeaderLock:
    """The advisory lock on its dedicated connection (psycopg, autocommit)."""

    def __init__(self, conninfo: dict[str, Any] | None = None, key: int = LOCK_KEY) -> None:
        self.conninfo = conninfo if conninfo is not None else _conninfo()
        self.key = key
        self._conn: Any = None
        self.held = False

    def try_acquire(self) -> bool:
        """True when this process is (still, or now) the leader."""
        import psycopg  # noqa: PLC0415 - PostgreSQL deployments only

        try:
            if self._conn is None:
                self._conn = psycopg.connect(**self.conninfo, autocommit=True)
            if self.held:
                # Still our session: the lock is ours as long as it lives.
                self._conn.execute("SELECT 1").fetchone()
                return True
            row = self._conn.execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()
            self.held = bool(row and row[0])
        except psycopg.Error as exc:
            if self.held:
                log.error("monitor: lost the leader lock connection (%s): stepping down", exc)
            self.release()
            return False
        return self.held

    def release(self) -> None:
        conn, self._conn, self.held = self._conn, None, False
        if conn is not None:
            try:
                conn.close()  # the session ends: the lock is released with it
            except Exception:
                log.debug("closing the leader lock connection failed", exc_info=True)
