"""Attachments are accepted by what their bytes are, never by their name, up to 10 MB,
and stored outside the web root under a random name."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from clausier.core.errors import DomainError
from clausier.support.models import Channel
from clausier.support.services import attachments, tickets
from tests.support.builders import support_world

NOW = datetime(2026, 1, 6, 9, tzinfo=UTC)


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (b"%PDF-1.7\n...", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0JFIF", "image/jpeg"),
        (b"GIF89a....", "image/gif"),
        ("journal d'erreurs é".encode(), "text/plain"),
        (b"MZ\x90\x00\x03\x00", None),  # a Windows executable, whatever its name says
        (b"PK\x03\x04\x14\x00", None),  # a zip
        (b"text\x00with NUL", None),
    ],
)
def test_the_type_is_read_from_the_bytes(content, kind):
    assert attachments.sniff(content) == kind


@pytest.mark.django_db
def test_a_file_is_stored_under_a_random_name_outside_the_static_root(settings, tmp_path):
    settings.SUPPORT_ATTACHMENTS_DIR = str(tmp_path / "attachments")
    w = support_world()
    ticket = tickets.open_ticket(
        now=NOW, client=w["client"], subject="s", body="b", channel=Channel.PORTAL, actor=w["admin"]
    )
    message = ticket.messages.get()
    stored = attachments.attach(
        now=NOW, message=message, filename="../../etc/passwd.txt", content=b"root:x:0:0"
    )
    assert stored.filename == "passwd.txt"
    path = Path(settings.SUPPORT_ATTACHMENTS_DIR) / stored.stored_name
    assert path.read_bytes() == b"root:x:0:0" and "passwd" not in stored.stored_name
    assert not str(path).startswith(str(settings.STATIC_ROOT))
    with pytest.raises(DomainError) as too_big:
        attachments.attach(
            now=NOW, message=message, filename="big.txt", content=b"a" * (attachments.MAX_SIZE + 1)
        )
    assert too_big.value.code == "attachment_too_large"
