"""One Content-Security-Policy header on every HTML page (settings.CONTENT_SECURITY_POLICY).

The pages load their scripts from the site only (htmx vendored, `portal.js`), with no
inline script, no `on*=` handler and no eval (docs/portal.md "HTMX"). A view that needs
more (the coaching room frames JaaS) adds sources with `content_security_policy_adding`;
a response that already carries its own policy (served uploads, content/views.py) keeps it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse

HEADER = "Content-Security-Policy"
Directives = Mapping[str, Sequence[str]]


def policy_text(directives: Directives) -> str:
    """`{"default-src": ["'self'"], ...}` as the header's text, in the given order."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


def directives_adding(extra: Directives) -> dict[str, list[str]]:
    """The settings' policy with `extra` sources added; a directive missing from the
    settings starts from `default-src`, as the browser would read it."""
    base: Directives = settings.CONTENT_SECURITY_POLICY
    merged = {name: list(sources) for name, sources in base.items()}
    for name, sources in extra.items():
        current = merged.setdefault(name, list(base.get("default-src", [])))
        current.extend(source for source in sources if source not in current)
    return merged


def is_html(response: HttpResponse) -> bool:
    return response.get("Content-Type", "").split(";")[0].strip() == "text/html"


def is_debug_page(response: HttpResponse) -> bool:
    """With DEBUG, Django's technical 404/500 pages, which need their inline styles and
    scripts; never in production (DEBUG=0, the default)."""
    return settings.DEBUG and response.status_code >= 400


class ContentSecurityPolicyMiddleware:
    """Sets the settings' policy on HTML responses that have none of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = policy_text(settings.CONTENT_SECURITY_POLICY)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if HEADER not in response and is_html(response) and not is_debug_page(response):
            response[HEADER] = self.header
        return response


def content_security_policy_adding(
    extra: Directives,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorates a view whose page needs sources beyond the settings' policy."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            if is_html(response):
                response[HEADER] = policy_text(directives_adding(extra))
            return response

        return wrapped

    return decorate
