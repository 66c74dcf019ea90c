"""Each person reads the product in their own language."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation


class PersonLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", None):
            request.LANGUAGE_CODE = user.language
            # For this request only: the thread serves the next one in its own language.
            with translation.override(user.language):
                response = self.get_response(request)
            # LocaleMiddleware only sets the header when it is missing.
            response.headers.setdefault("Content-Language", user.language)
            return response
        return self.get_response(request)
