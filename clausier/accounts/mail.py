"""How accounts sends its messages (invitations, suspended access) without importing notify.

notify sits above accounts: its admin and its selectors scope the outbox by accounts'
memberships. So accounts does not call the outbox itself; notify registers the dotted
path of its `services.enqueue` here from its AppConfig.ready() (a path, as for the
scheduler's jobs: ready() runs before the models may be imported), and `send` hands each
message to it, so mail still goes only through the outbox. With no sender registered (notify not
installed) sending fails loudly rather than losing an invitation.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string


class Sender(Protocol):
    def __call__(
        self,
        *,
        template: str,
        to_email: str,
        language: str,
        context: dict[str, Any],
        idempotency_key: str,
        now: datetime,
        provider: Any = None,
        reply_to: str = "",
    ) -> object: ...


_sender_path: list[str] = []
_counter_path: list[str] = []


def register(path: str, counter: str | None = None) -> None:
    """Make the function at dotted `path` the one that queues accounts' messages, and
    the one at `counter` the one that counts what was queued (rate limits)."""
    _sender_path[:] = [path]
    if counter is not None:
        _counter_path[:] = [counter]


def sender() -> Sender:
    if not _sender_path:
        raise ImproperlyConfigured(
            "No mail sender registered: clausier.notify must be in INSTALLED_APPS."
        )
    found: Sender = import_string(_sender_path[0])
    return found


def send(
    *,
    template: str,
    to_email: str,
    language: str,
    context: dict[str, Any],
    idempotency_key: str,
    now: datetime,
    provider: Any = None,
    reply_to: str = "",
) -> None:
    """Queue a message once per key through the registered sender (the outbox)."""
    sender()(
        template=template,
        to_email=to_email,
        language=language,
        context=context,
        idempotency_key=idempotency_key,
        now=now,
        provider=provider,
        reply_to=reply_to,
    )


def queued_since(*, template: str, to_email: str, since: datetime) -> int:
    """How many `template` messages were queued to `to_email` since `since`, every
    process included (the outbox is the record): the password-reset limit counts them."""
    if not _counter_path:
        raise ImproperlyConfigured(
            "No mail counter registered: clausier.notify must be in INSTALLED_APPS."
        )
    count: int = import_string(_counter_path[0])(template=template, to_email=to_email, since=since)
    return count
