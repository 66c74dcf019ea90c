"""Fingerprints of terms pack files: what a client accepted must never change under it."""

from __future__ import annotations

import functools
import hashlib

from clausier.terms.packs import PACKS_DIR, Pack, PackError, available_versions, load_pack


def pack_digest(service_line: str, version: str) -> str:
    if version not in available_versions(service_line):
        raise PackError(f"no terms pack {service_line!r} version {version!r}")
    path = PACKS_DIR / service_line / f"{version}.toml"
    return _file_digest(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=64)
def _file_digest(path: str, mtime_ns: int) -> str:
    # Keyed on the modification time: a changed file is hashed again, an unchanged one
    # is not re-read on every invoice of a billing run.
    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def load_accepted_pack(service_line: str, version: str, accepted_digest: str) -> Pack:
    """The pack a client accepted, refused if its file changed since (a new version is due)."""
    current = pack_digest(service_line, version)
    if current != accepted_digest:
        raise PackError(
            f"terms pack {service_line} {version} changed after a client accepted it "
            f"(accepted {accepted_digest[:12]}…, now {current[:12]}…): "
            "publish a new version instead"
        )
    return load_pack(service_line, version)
