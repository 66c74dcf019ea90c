"""Content's refusals, answered as `{"code", "message"}` by the API and as messages by pages."""

from __future__ import annotations

from clausier.accounts.errors import NotAllowed
from clausier.core.errors import DomainError


class ContentError(DomainError):
    code = "content_refused"


class UploadRefused(ContentError):
    code = "upload_refused"


class UploadTooLarge(ContentError):
    code = "upload_too_large"


class NotAllowedHere(NotAllowed):
    """Visible, but this person may not do that (edit another's post, moderate)."""

    code = "forbidden"
