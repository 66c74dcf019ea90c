"""Validated uploads: the type comes from the bytes, never from the name.

Accepted: PDF (kept byte for byte), PNG, JPEG and WebP images (decoded by Pillow and
re-encoded: metadata such as EXIF/GPS is dropped, and a file that is both an image and
something else, a polyglot, comes out as an image only). SVG, HTML and anything else
are refused: they can carry script. The size limit is `CONTENT_UPLOAD_MAX_BYTES`.
Files go to `STORAGES["content"]` (docs/content.md) under a random name.
"""

from __future__ import annotations

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from PIL import Image, ImageOps

from clausier.content.errors import UploadRefused, UploadTooLarge
from clausier.content.models import Upload

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
PDF_MAGIC = b"%PDF-"

# Pillow's format name -> (content type, extension).
IMAGE_FORMATS = {
    "PNG": ("image/png", "png"),
    "JPEG": ("image/jpeg", "jpg"),
    "WEBP": ("image/webp", "webp"),
}


REFUSED_TYPE = gettext_noop(
    "Type de fichier refusé : seuls les PDF et les images PNG, JPEG et WebP sont acceptés."
)


@dataclass(frozen=True)
class Checked:
    data: bytes
    content_type: str
    extension: str


def sniff(data: bytes) -> str | None:
    """The format the first bytes announce, or None."""
    if data.startswith(PDF_MAGIC):
        return "PDF"
    if data.startswith(PNG_MAGIC):
        return "PNG"
    if data.startswith(JPEG_MAGIC):
        return "JPEG"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    return None


def _reencode(data: bytes, expected: str) -> bytes:
    max_pixels = settings.CONTENT_IMAGE_MAX_PIXELS
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image: Image.Image = Image.open(io.BytesIO(data))
            if image.format != expected:
                raise UploadRefused(_("Le contenu de l'image ne correspond pas à son format."))
            width, height = image.size
            if width * height > max_pixels:
                raise UploadRefused(_("Image trop grande (nombre de pixels)."))
            image.load()
            image = ImageOps.exif_transpose(image)
    except UploadRefused:
        raise
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError, Warning) as exc:
        raise UploadRefused(_("Image illisible.")) from exc
    if expected == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    elif expected in ("PNG", "WEBP") and image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        image = image.convert("RGBA")
    out = io.BytesIO()
    # No exif=, no pnginfo=, no icc_profile=, and nothing some encoders would carry over
    # from what the decoder read: the new file carries pixels (and transparency) only.
    options: dict[str, Any] = {"quality": 90} if expected in ("JPEG", "WEBP") else {}
    if "transparency" in image.info and expected != "JPEG":
        options["transparency"] = image.info["transparency"]
    image.info = {}
    image.save(out, format=expected, **options)
    return out.getvalue()


def check(data: bytes) -> Checked:
    """What an upload really is, refused unless PDF or a PNG/JPEG/WebP image."""
    if len(data) > settings.CONTENT_UPLOAD_MAX_BYTES:
        raise UploadTooLarge(
            _("Fichier trop volumineux (%(max)s octets au plus).")
            % {"max": settings.CONTENT_UPLOAD_MAX_BYTES}
        )
    if not data:
        raise UploadRefused(_("Le fichier est vide."))
    kind = sniff(data)
    if kind is None:
        raise UploadRefused(_(REFUSED_TYPE))
    if kind == "PDF":
        return Checked(data, "application/pdf", "pdf")
    content_type, extension = IMAGE_FORMATS[kind]
    return Checked(_reencode(data, kind), content_type, extension)


def safe_filename(name: str, extension: str) -> str:
    """An ASCII name for Content-Disposition, with the extension of the real type."""
    stem = slugify(PurePath(name or "").stem)[:80] or "fichier"
    return f"{stem}.{extension}"


def read_limited(stream: IO[bytes]) -> bytes:
    """Read at most one byte past the limit, so an oversize file is never read whole."""
    return stream.read(settings.CONTENT_UPLOAD_MAX_BYTES + 1)


def store(*, now: datetime, actor: Any, provider: Any, name: str, stream: IO[bytes]) -> Upload:
    checked = check(read_limited(stream))
    upload = Upload(
        provider=provider,
        content_type=checked.content_type,
        size=len(checked.data),
        sha256=hashlib.sha256(checked.data).hexdigest(),
        filename=safe_filename(name, checked.extension),
        uploaded_by=actor,
        uploaded_at=now,
    )
    upload.file.save(upload.filename, ContentFile(checked.data), save=False)
    upload.save()
    return upload
