"""Secrets at rest: Fernet under CLAUSIER_SECRET_KEYS, newest key first, rotatable."""

from __future__ import annotations

import stat

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured

from clausier.core import crypto


def keys(*values: str) -> list[str]:
    return list(values)


def test_it_encrypts_with_the_first_key_and_reads_with_any(settings):
    old, new = crypto.generate_key(), crypto.generate_key()
    settings.CLAUSIER_SECRET_KEYS = [old]
    sealed_under_old = crypto.seal("whsec_live_123")
    assert "whsec_live_123" not in sealed_under_old
    assert crypto.looks_sealed(sealed_under_old)

    settings.CLAUSIER_SECRET_KEYS = [new, old]
    assert crypto.unseal(sealed_under_old) == "whsec_live_123"
    resealed = crypto.reseal(sealed_under_old)
    assert Fernet(new.encode()).decrypt(resealed.encode()) == b"whsec_live_123"

    settings.CLAUSIER_SECRET_KEYS = [new]
    assert crypto.unseal(resealed) == "whsec_live_123"
    with pytest.raises(crypto.UnreadableSecret, match="CLAUSIER_SECRET_KEYS"):
        crypto.unseal(sealed_under_old)


def test_the_same_secret_never_gives_the_same_ciphertext():
    assert crypto.seal("same") != crypto.seal("same")


def test_a_bad_key_stops_the_start_with_the_variables_name():
    good = crypto.generate_key()
    assert crypto.parse_keys(f" {good} ,\n") == [good]
    with pytest.raises(ImproperlyConfigured, match="CLAUSIER_SECRET_KEYS: key 2 is not a Fernet"):
        crypto.parse_keys(f"{good},not-a-key")
    with pytest.raises(ImproperlyConfigured, match="holds no key"):
        crypto.parse_keys(" , ")


def test_the_embedded_key_is_generated_once_and_private(tmp_path):
    first = crypto.embedded_keys(tmp_path)
    assert crypto.embedded_keys(tmp_path) == first
    mode = stat.S_IMODE((tmp_path / "secret_keys").stat().st_mode)
    assert mode == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["secret_keys"]
