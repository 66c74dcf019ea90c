"""Fingerprints of terms pack files: what a client accepted must never change under it."""

from __future__ import annotations

import hashlib

from clausier.terms.packs import PACKS_DIR, Pack, PackError, available_versions, load_pack


def pack_digest(service_line: str, version: str) -> str:
    if version not in available_versions(service_line):
        raise PackError(f"no terms pack {service_line!r} version {version!r}")
    path = PACKS_DIR / service_line / f"{version}.toml"
    return hashlib.sha256(path.read_bytes()).hexdigest()


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
