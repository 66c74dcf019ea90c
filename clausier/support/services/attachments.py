"""Attachments: checked by their content (not their name) and size, stored outside the
web root under a random name, read back only through an authorised view."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

from clausier.support.errors import SupportError
from clausier.support.models import Attachment, TicketMessage

MAX_SIZE = 10 * 1024 * 1024
# Magic numbers of the types we accept; text is accepted when it decodes as UTF-8.
SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)
TEXT = "text/plain"


def attachments_dir() -> Path:
    return Path(settings.SUPPORT_ATTACHMENTS_DIR)


def sniff(content: bytes) -> str | None:
    """The content type the bytes really are, or None when we do not accept them."""
    for magic, content_type in SIGNATURES:
        if content.startswith(magic):
            return content_type
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    return TEXT if "\x00" not in text else None


def _safe_name(filename: str) -> str:
    name = Path(filename.replace("\\", "/")).name.strip().replace('"', "")
    return name[:200] or "piece-jointe"


def attach(*, now: datetime, message: TicketMessage, filename: str, content: bytes) -> Attachment:
    if not content:
        raise SupportError(_("La pièce jointe est vide."), "invalid_attachment")
    if len(content) > MAX_SIZE:
        raise SupportError(_("La pièce jointe dépasse 10 Mo."), "attachment_too_large")
    content_type = sniff(content)
    if content_type is None:
        raise SupportError(
            _("Type de pièce jointe refusé (PDF, PNG, JPEG, GIF ou texte)."),
            "attachment_type_refused",
        )
    stored_name = secrets.token_hex(20)
    folder = attachments_dir()
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    path = folder / stored_name
    path.write_bytes(content)
    path.chmod(0o600)
    return Attachment.objects.create(
        message=message,
        filename=_safe_name(filename),
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        stored_name=stored_name,
        created_at=now,
    )


def read(attachment: Attachment) -> bytes:
    return (attachments_dir() / attachment.stored_name).read_bytes()
