"""The one root of domain errors: a request the rules refuse, said to a person.

Every app's errors derive from `DomainError` (accounts, terms, billing, documents, the
simulator), so the API, the portal and the back-office catch one class and answer with
its translatable `message` and its stable machine `code`, never with a 500.
"""

from __future__ import annotations


class DomainError(Exception):
    """A request the rules refuse. `code` is stable for API clients."""

    code = "refused"

    def __init__(self, message: object, code: str | None = None) -> None:
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
