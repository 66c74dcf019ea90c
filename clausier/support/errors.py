"""Domain errors of the support desk; their messages are shown to people."""

from __future__ import annotations

from clausier.accounts.errors import NotAllowed
from clausier.core.errors import DomainError


class SupportError(DomainError):
    code = "support_refused"


class NotSupportStaff(NotAllowed):
    """Answered 403: the caller sees the row but may not do this to it."""
