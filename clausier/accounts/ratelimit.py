"""Login rate limit: failures counted per (e-mail, address) and per address in the cache."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache

# An address trying many e-mails is limited too, at a higher ceiling.
PER_ADDRESS_FACTOR = 4


def _keys(email: str, ip_address: str | None) -> tuple[str, str]:
    ident = hashlib.sha256(f"{email.strip().lower()}|{ip_address}".encode()).hexdigest()
    return f"login-fail:{ident}", f"login-fail-ip:{ip_address}"


def is_locked(email: str, ip_address: str | None) -> bool:
    pair_key, ip_key = _keys(email, ip_address)
    limit = settings.LOGIN_MAX_FAILURES
    return (cache.get(pair_key, 0) >= limit) or (cache.get(ip_key, 0) >= limit * PER_ADDRESS_FACTOR)


def record_failure(email: str, ip_address: str | None) -> None:
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    for key in _keys(email, ip_address):
        if not cache.add(key, 1, timeout=window):
            try:
                cache.incr(key)
            except ValueError:
                cache.set(key, 1, timeout=window)


def reset(email: str, ip_address: str | None) -> None:
    cache.delete(_keys(email, ip_address)[0])
