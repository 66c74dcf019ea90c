"""Partial page updates with HTMX (the vendored `portal/vendor/htmx.min.js`).

A page that htmx updates answers two ways at one address: the whole page to a browser
without JavaScript (every form still posts and redirects), and only the fragment that
changes to an htmx request (`HX-Request: true`). Both answers vary on that header, so
that no cache hands a fragment to a full page load. A history restore (`HX-History-
Restore-Request`) wants the whole page. CSRF: the shell puts the token in `hx-headers`
on `<body>`, sent as `X-CSRFToken` with every htmx request (docs/portal.md "HTMX").
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers


def is_htmx(request: HttpRequest) -> bool:
    """True for an htmx request that wants a fragment (not a history restore)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
    )


def render_page_or_fragment(
    request: HttpRequest,
    page: str,
    fragment: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    """`fragment` to an htmx request, else the whole `page`; the answer varies on it."""
    response = render(request, fragment if is_htmx(request) else page, context, status=status)
    patch_vary_headers(response, ("HX-Request",))
    return response
