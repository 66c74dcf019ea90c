"""A local SMTP server for the demo: keeps each message as an .eml file in var/mail.

`make run` starts it so that invitations can be followed without a real mail server.
Production points EMAIL_HOST at the provider's relay instead.
"""

from __future__ import annotations

import email
import email.policy
import logging
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

log = logging.getLogger(__name__)


class _SaveToFolder:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        count = len(list(self.folder.glob("*.eml"))) + 1
        path = self.folder / f"{count:05d}.eml"
        path.write_bytes(envelope.content)
        log.warning("mail to %s: %s (%s)", ", ".join(envelope.rcpt_tos), message["Subject"], path)
        return "250 Message accepted for delivery"


def start_mailcatcher(folder: Path, host: str, port: int) -> Controller:
    controller = Controller(_SaveToFolder(folder), hostname=host, port=port)
    controller.start()
    return controller
