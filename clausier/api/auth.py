"""API authentication: personal bearer tokens, or the portal's session (with CSRF)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
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
    """The portal session, refused once the person is suspended or revoked.

    CSRF protects a browser's cookie, so it is checked only when the session is what
    authenticates: a request that carries an `Authorization` header is judged by its
    token alone (a bad or revoked one answers 401, never 403 "CSRF"), and a request
    without a session cookie is simply anonymous (401).
    """

    def _get_key(self, request: HttpRequest) -> str | None:
        if "authorization" in request.headers:
            return None
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        return super()._get_key(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if key is None:
            return None
        person = super().authenticate(request, key)
        if person is None or not may_log_in(person):
            return None
        return person
