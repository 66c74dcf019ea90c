"""Domain errors of the support desk; their messages are shown to people."""

from __future__ import annotations

from clausier.core.errors import DomainError


class SupportError(DomainError):
    code = "support_refused"
