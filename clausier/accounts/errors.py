"""Domain errors of the accounts services; their messages are shown to people."""

from __future__ import annotations

from clausier.core.errors import DomainError

# The root's former name: the root now lives in `core` so that every app, not only those
# above accounts, derives from it. `except AccountsError` still catches every domain error.
AccountsError = DomainError


class NotAllowed(DomainError):
    code = "forbidden"


class InvalidInvitation(DomainError):
    code = "invalid_invitation"


class TooManyAttempts(DomainError):
    """Too many failed logins for this account or from this address (HTTP 429)."""

    code = "too_many_attempts"
