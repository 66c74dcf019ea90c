"""API authentication: personal bearer tokens, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja.security import HttpBearer, SessionAuth

from clausier.accounts.services import may_log_in, person_for_api_token


class TokenAuth(HttpBearer):
    openapi_description = "Personal API token: `Authorization: Bearer clz_…`"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        person = person_for_api_token(token, timezone.now())
        if person is None:
            return None
        request.user = person
        return person


class LiveSessionAuth(SessionAuth):
    """The portal session, refused once the person is suspended or revoked."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        person = super().authenticate(request, key)
        if person is None or not may_log_in(person):
            return None
        return person
