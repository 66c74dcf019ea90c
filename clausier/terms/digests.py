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


DIGESTS_FILE = PACKS_DIR / "DIGESTS"


def shipped_digests() -> dict[str, str]:
    """`service_line/version` → SHA-256 of every pack file on disk."""
    return {
        f"{path.parent.name}/{path.stem}": hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(PACKS_DIR.glob("*/*.toml"))
    }


def recorded_digests() -> dict[str, str]:
    if not DIGESTS_FILE.exists():
        return {}
    pairs = (line.split() for line in DIGESTS_FILE.read_text(encoding="utf-8").splitlines())
    return {
        key: digest
        for digest, key in (p for p in pairs if len(p) == 2 and not p[0].startswith("#"))
    }


def record_new_versions() -> list[str]:
    """Add versions not yet recorded; never rewrites a recorded digest."""
    recorded = recorded_digests()
    added = {k: v for k, v in shipped_digests().items() if k not in recorded}
    lines = [f"{digest}  {key}" for key, digest in sorted({**recorded, **added}.items())]
    header = (
        "# SHA-256 of every shipped terms pack version. Never edit a line: publish a new version.\n"
    )
    DIGESTS_FILE.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    return sorted(added)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--record"]:
        print("\n".join(record_new_versions()) or "nothing new")
