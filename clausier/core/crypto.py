"""Secrets at rest: Fernet (AES-128-CBC + HMAC-SHA256) with key rotation (MultiFernet).

The keys come from `CLAUSIER_SECRET_KEYS` (or `CLAUSIER_SECRET_KEYS_FILE`), newest
first: values are encrypted with the first key and decrypted with any of them, so a new
key is added in front, `clausier rotate_secrets` re-encrypts, and the old key is then
dropped. A database copy alone (a backup, a leaked dump, the back-office) never yields a
usable secret.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from clausier.core.vardir import private_file

# Every Fernet token starts with its version byte 0x80, base64url-encoded as "gAAAAA".
FERNET_PREFIX = "gAAAAA"


class UnreadableSecret(Exception):
    """A value was encrypted with a key that is not in CLAUSIER_SECRET_KEYS any more."""


def parse_keys(raw: str, name: str = "CLAUSIER_SECRET_KEYS") -> list[str]:
    keys = [key.strip() for key in raw.replace("\n", ",").split(",") if key.strip()]
    if not keys:
        raise ImproperlyConfigured(f"{name} holds no key")
    for position, key in enumerate(keys, start=1):
        try:
            Fernet(key)
        except (ValueError, TypeError):
            raise ImproperlyConfigured(
                f"{name}: key {position} is not a Fernet key (32 url-safe base64-encoded bytes; "
                "see docs/configuration.md, 'Secrets at rest', to generate one)"
            ) from None
    return keys


def generate_key() -> str:
    return Fernet.generate_key().decode()


def embedded_keys(var_dir: Path) -> list[str]:
    """The embedded default's key, generated once into var/secret_keys (600)."""
    path = var_dir / "secret_keys"
    if not path.exists():
        # Written whole into a private temporary file, then linked into place: a second
        # process starting at the same moment either links first or reads the winner's
        # key, never a half-written file nor a key that is then replaced.
        draft = private_file(var_dir / f".secret_keys.{secrets.token_hex(4)}")
        try:
            draft.write_text(generate_key() + "\n", encoding="utf-8")
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    return parse_keys(path.read_text(encoding="utf-8"), str(path))


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(key) for key in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.CLAUSIER_SECRET_KEYS))


def seal(plaintext: str) -> str:
    return cipher().encrypt(plaintext.encode()).decode()


def unseal(token: str) -> str:
    try:
        return cipher().decrypt(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "a stored secret cannot be decrypted with CLAUSIER_SECRET_KEYS "
            "(was its key removed before `clausier rotate_secrets`?)"
        ) from None


def reseal(token: str) -> str:
    """The same secret under the current (first) key."""
    try:
        return cipher().rotate(token.encode()).decode()
    except InvalidToken:
        raise UnreadableSecret(
            "a stored secret cannot be decrypted with CLAUSIER_SECRET_KEYS"
        ) from None


def looks_sealed(value: str) -> bool:
    return value.startswith(FERNET_PREFIX)


def random_marker(name: str) -> str:
    """A placeholder no user-supplied text can forge, replaced at delivery time."""
    return f"[{name}:{secrets.token_hex(8)}]"
