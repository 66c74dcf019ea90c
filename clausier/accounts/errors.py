"""Domain errors of the accounts services; their messages are shown to people."""

from __future__ import annotations


class AccountsError(Exception):
    """A request the rules refuse. `code` is stable for API clients."""

    code = "refused"

    def __init__(self, message: object, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code


class NotAllowed(AccountsError):
    code = "forbidden"


class InvalidInvitation(AccountsError):
    code = "invalid_invitation"


class TooManyAttempts(AccountsError):
    """Too many failed logins for this account or from this address (HTTP 429)."""

    code = "too_many_attempts"
