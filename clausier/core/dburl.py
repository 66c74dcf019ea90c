"""DATABASE_URL: postgres://user:pass@host:port/name or sqlite:///path.

The URL itself is parsed by dj-database-url; this module keeps our contract around it:
only PostgreSQL and SQLite are accepted, a PostgreSQL URL must name its database, the
port is a string as Django's settings show it, PostgreSQL connections are kept 60 s with
health checks, and SQLite gets the WAL options below.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql"}


def parse_database_url(url: str) -> dict[str, Any]:
    scheme = urlsplit(url).scheme
    if scheme in _POSTGRES_SCHEMES:
        parsed = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        if not parsed.get("NAME"):
            raise ImproperlyConfigured("DATABASE_URL must name a database: postgres://host/NAME")
        parsed["PORT"] = str(parsed.get("PORT") or "")
        parsed.setdefault("OPTIONS", {})
        return dict(parsed)
    if scheme == "sqlite":
        return sqlite_database(str(dj_database_url.parse(url)["NAME"]))
    raise ImproperlyConfigured(
        f"DATABASE_URL scheme {scheme!r} is not supported: use postgres:// or sqlite://"
    )


def sqlite_database(path: str) -> dict[str, Any]:
    # WAL lets the web server, the scheduler and the monitor read while one writes;
    # IMMEDIATE transactions take the write lock up front instead of failing mid-way.
    # Connections are kept (CONN_MAX_AGE): opening one runs the three PRAGMAs below, and
    # without it every request of the web server's threads opened its own — a signed-in
    # page did a fifth of the login page's rate (docs/portal.md, "Speed").
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "CONN_MAX_AGE": 600,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        },
    }
