"""The one module that talks SMTP. Tests point it at a real server on loopback."""

from __future__ import annotations

import contextlib
import smtplib
from email import encoders
from email.mime.base import MIMEBase
from email.mime.text import MIMEText
from email.utils import parseaddr
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend

from clausier.notify.models import OutboxMessage


class DeliveryError(Exception):
    """The message could not be handed to the SMTP server; it will be retried."""


def open_connection() -> BaseEmailBackend:
    connection = get_connection(fail_silently=False)
    try:
        connection.open()
    except (OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(f"cannot connect to the SMTP server: {exc}") from exc
    return connection


def close_quietly(connection: Any) -> None:
    if connection is None:
        return
    with contextlib.suppress(OSError, smtplib.SMTPException):
        connection.close()


def build(message: OutboxMessage, body: str | None = None) -> EmailMessage:
    """The e-mail for a row; `body` is the stored body with its secrets put back."""
    headers = {
        "Message-ID": message.message_id,
        "Content-Language": message.language,
        "X-Clausier-Template": message.template,
    }
    if message.auto_submitted:
        headers["Auto-Submitted"] = "auto-generated"
        headers["X-Auto-Response-Suppress"] = "All"
        # RFC 3834 loop marker: support's mail-in stores such mail but never answers it.
        headers["X-Loop"] = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    email = EmailMessage(
        subject=message.subject,
        body=message.body if body is None else body,
        from_email=message.from_email,
        to=[message.to_email],
        reply_to=[message.reply_to] if message.reply_to else None,
        headers=headers,
    )
    for attachment in message.attachments.all():
        email.attach(_mime_part(attachment.content_type, bytes(attachment.content)))
        email.attachments[-1].add_header(
            "Content-Disposition", "attachment", filename=attachment.filename
        )
    return email


def _mime_part(content_type: str, content: bytes) -> MIMEBase:
    """A MIME part keeping every parameter of the type (text/calendar's `method`)."""
    maintype, _sep, rest = content_type.partition("/")
    subtype, *params = (part.strip() for part in rest.split(";"))
    if maintype == "text":
        part: MIMEBase = MIMEText(content.decode("utf-8"), subtype, "utf-8")
    else:
        part = MIMEBase(maintype, subtype)
        part.set_payload(content)
        encoders.encode_base64(part)
    for param in params:
        name, _eq, value = param.partition("=")
        part.set_param(name.strip(), value.strip().strip('"'))
    return part


def send(message: OutboxMessage, connection: BaseEmailBackend, body: str | None = None) -> None:
    try:
        sent = connection.send_messages([build(message, body)])
    except (TimeoutError, OSError, smtplib.SMTPException) as exc:
        raise DeliveryError(str(exc) or exc.__class__.__name__) from exc
    if sent != 1:
        raise DeliveryError("the SMTP server did not accept the message")
