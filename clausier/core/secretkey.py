"""A generated secret key for the embedded default, kept in var/ (never committed)."""

from __future__ import annotations

import secrets
from pathlib import Path


def embedded_secret_key(var_dir: Path) -> str:
    path = var_dir / "secret_key"
    try:
        return path.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        pass
    var_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    # O_EXCL: when two processes start at once, the first key written wins.
    try:
        with path.open("x", encoding="utf-8") as handle:
            handle.write(key)
        path.chmod(0o600)
    except FileExistsError:
        return path.read_text(encoding="utf-8").strip()
    return key
