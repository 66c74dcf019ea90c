"""The simulator's throwaway database: an in-memory SQLite with the schema already in it.

Migrating an empty database takes seconds, far more than the simulation itself. The
migrated database is therefore serialized once (`sqlite3.Connection.serialize`) into a
cache file named by a digest of everything that decides the schema — the Django and
SQLite versions, the installed apps and the bytes of every migration file — and later
runs load that image straight into memory (`deserialize`). Any change to a migration,
an app or a version changes the digest, so a stale image is never used.

The cache is an optimisation, never a requirement: an image is written to a temporary
file and renamed into place (two first runs at once each write a whole file, the last
rename wins); it carries its own SHA-256, so a truncated or damaged file is rebuilt; and
an unreadable or unwritable cache directory only means migrating in memory every time.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import os
import sqlite3
import tempfile
from enum import Enum
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# Bump when the image format or what it must contain changes.
FORMAT = b"clausier-simulation-schema/1\n"
_DIGEST_SIZE = hashlib.sha256().digest_size
_PREFIX = "schema-"
_SUFFIX = ".sqlite3"


class Source(Enum):
    """Where the schema of this run came from (reported at verbosity 2)."""

    CACHE = "loaded from the cache"
    BUILT_AND_CACHED = "migrated, then cached"
    BUILT = "migrated (cache not writable)"


def default_cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "cache"


def schema_key() -> str:
    """A digest of the inputs of `migrate`: any change to one gives another key."""
    digest = hashlib.sha256(FORMAT)
    digest.update(f"django {django.__version__}; sqlite {sqlite3.sqlite_version}\n".encode())
    for app_config in apps.get_app_configs():
        digest.update(f"app {app_config.label} {app_config.name}\n".encode())
        for path in _migration_files(app_config.label):
            digest.update(f"file {path.name} {path.stat().st_size}\n".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _migration_files(app_label: str) -> list[Path]:
    module_name, _explicit = MigrationLoader.migrations_module(app_label)
    if module_name is None:
        return []
    try:
        spec = importlib.util.find_spec(module_name)
    except ModuleNotFoundError:
        return []
    if spec is None or not spec.submodule_search_locations:
        return []
    files: list[Path] = []
    for location in spec.submodule_search_locations:
        files.extend(Path(location).glob("*.py"))
    return sorted(files)


def prepare_memory_database(cache_dir: Path | None = None) -> Source:
    """Give the (empty, in-memory) default database its schema, from the cache if possible."""
    name = str(connection.settings_dict["NAME"])
    if connection.vendor != "sqlite" or not (name == ":memory:" or "mode=memory" in name):
        raise RuntimeError("the simulator's schema cache only fills an in-memory database")
    directory = default_cache_dir() if cache_dir is None else cache_dir
    path = directory / f"{_PREFIX}{schema_key()}{_SUFFIX}"
    connection.ensure_connection()
    raw = connection.connection
    if not hasattr(raw, "deserialize"):  # an SQLite built without it: migrate every time
        call_command("migrate", verbosity=0, interactive=False)
        return Source.BUILT
    image = _read_image(path)
    if image is not None:
        raw.deserialize(image)
        return Source.CACHE
    call_command("migrate", verbosity=0, interactive=False)
    if _write_image(path, raw.serialize()):
        return Source.BUILT_AND_CACHED
    return Source.BUILT


def _read_image(path: Path) -> bytes | None:
    """The image in `path` if it is whole and ours; None when missing, unreadable or damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return None
    header = len(FORMAT) + _DIGEST_SIZE
    if len(data) <= header or not data.startswith(FORMAT):
        return None
    image = data[header:]
    if hashlib.sha256(image).digest() != data[len(FORMAT) : header]:
        return None
    return image


def _write_image(path: Path, image: bytes) -> bool:
    """Write atomically; False (and nothing left behind) when the directory refuses."""
    temporary: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=".schema-", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            out.write(FORMAT)
            out.write(hashlib.sha256(image).digest())
            out.write(image)
        os.replace(temporary, path)
        temporary = None
    except OSError:
        return False
    finally:
        if temporary is not None:
            _remove(Path(temporary))
    _remove_other_images(path)
    return True


def _remove_other_images(kept: Path) -> None:
    """Images of other code versions are dead weight: one image per cache directory."""
    for other in kept.parent.glob(f"{_PREFIX}*{_SUFFIX}"):
        if other != kept:
            _remove(other)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
