"""accounts queues its messages through `accounts.mail`, whose sender notify registers.

accounts sits below notify (docs/architecture.md, "Layers"): it never imports the
outbox, and an unregistered sender fails loudly instead of losing an invitation.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from clausier.accounts import mail
from clausier.notify import services


def test_notify_registers_its_outbox_as_accounts_sender():
    assert mail.sender() is services.enqueue


def test_without_a_sender_sending_fails_loudly(monkeypatch):
    monkeypatch.setattr(mail, "_sender_path", [])
    with pytest.raises(ImproperlyConfigured):
        mail.send(
            template="invitation",
            to_email="a@example.com",
            language="fr",
            context={},
            idempotency_key="k",
            now=None,  # type: ignore[arg-type]
        )
