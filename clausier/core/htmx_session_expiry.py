"""What an htmx request gets when its session or its CSRF token has gone stale.

An htmx request follows a redirect inside its XMLHttpRequest: sent to the login page (the
session expired, or the person was logged out elsewhere), it would swap the whole login
page into the fragment. Instead it gets an empty 200 with `HX-Redirect`, and htmx sends
the browser itself to the login page, whose `next` is the page the person was on
(`HX-Current-URL`), not the fragment's address. A CSRF failure (the token rotated by a
login in another tab) makes htmx reload the page, which carries a fresh token
(`page_reload`, answered by the portal's CSRF_FAILURE_VIEW; docs/portal.md "HTMX").
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.http import url_has_allowed_host_and_scheme

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


def is_htmx_request(request: HttpRequest) -> bool:
    """Any request htmx sends (a history restore included: it swaps what it gets too)."""
    return request.headers.get("HX-Request") == "true"


def page_path(request: HttpRequest) -> str:
    """The path (and query) of the page the htmx request came from, if on this host."""
    current = request.headers.get("HX-Current-URL", "")
    if not current or not url_has_allowed_host_and_scheme(
        current, {request.get_host()}, require_https=request.is_secure()
    ):
        return ""
    parts = urlsplit(current)
    if not parts.path.startswith("/"):
        return ""
    return parts.path + (f"?{parts.query}" if parts.query else "")


def login_url_for(request: HttpRequest) -> str:
    """The login page, coming back to the page the person was on."""
    login_url = resolve_url(settings.LOGIN_URL)
    target = page_path(request)
    if not target:
        return login_url
    return f"{login_url}?{urlencode({'next': target}, safe='/')}"


def is_login_redirect(response: HttpResponse) -> bool:
    if response.status_code not in REDIRECT_STATUSES:
        return False
    location = urlsplit(response.get("Location", ""))
    return location.path == resolve_url(settings.LOGIN_URL)


class HtmxLoginRedirectMiddleware:
    """Turns a redirect to the login page, answered to htmx, into `HX-Redirect`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not is_htmx_request(request) or not is_login_redirect(response):
            return response
        answer = HttpResponse(status=200)
        answer["HX-Redirect"] = login_url_for(request)
        # Nothing here may be kept by a cache for a signed-in request at the same address.
        answer["Cache-Control"] = "no-store"
        return answer


def page_reload() -> HttpResponse:
    """The answer to an htmx request whose CSRF token failed: htmx reloads the page, which
    carries a fresh token. It reads HX-Refresh before it looks at the status, so the 403
    stays honest in the logs."""
    answer = HttpResponse(status=403)
    answer["HX-Refresh"] = "true"
    answer["Cache-Control"] = "no-store"
    return answer
