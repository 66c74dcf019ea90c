"""The portal's menu, as the apps declare it.

`core` knows no app and the apps sit below the portal, so an app cannot add its pages to
the portal's menu by importing it. Instead each app registers its entries from its
`AppConfig.ready()` (`register(NavItem(...))`), and the portal's layout shows, for each
request, the registered entries whose `visible` predicate accepts it. The predicate is a
dotted path, imported on first use (ready() must stay cheap).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class NavItem:
    key: str  # unique name of the entry ("monitoring.status")
    label: Any  # a lazy translation
    url_name: str  # reversed without arguments ("portal:monitoring_status")
    order: int = 100  # smaller first
    # Dotted path of a function(request) -> bool; None shows the entry to every signed-in person.
    visible: str | None = None


@dataclass(frozen=True)
class NavLink:
    key: str
    label: Any
    url: str
    active: bool


_REGISTRY: dict[str, NavItem] = {}


def register(item: NavItem) -> NavItem:
    """Add `item` to the menu; registering the same key again replaces it."""
    _REGISTRY[item.key] = item
    return item


def registered_items() -> list[NavItem]:
    return sorted(_REGISTRY.values(), key=lambda item: (item.order, item.key))


@cache
def _predicate(path: str) -> Callable[[HttpRequest], bool]:
    return import_string(path)


@lru_cache(maxsize=256)
def _reversed(urlconf: Any, root: str, prefix: str, url_name: str) -> str:
    return reverse(url_name, urlconf=urlconf)


def static_url(url_name: str) -> str:
    """`reverse(url_name)` for a URL without arguments, kept per URLconf and script
    prefix: the menu reverses a dozen on every page (~20 us each)."""
    return _reversed(get_urlconf(), settings.ROOT_URLCONF, get_script_prefix(), url_name)


def visible_keys(request: HttpRequest) -> frozenset[str]:
    """The keys of the entries whose predicate accepts this request (one question each)."""
    if not request.user.is_authenticated:
        return frozenset()
    return frozenset(
        item.key
        for item in registered_items()
        if item.visible is None or _predicate(item.visible)(request)
    )


def links_for(request: HttpRequest, keys: frozenset[str] | None = None) -> list[NavLink]:
    """The entries this request's person may see, in order, the current one marked.

    `keys`: the visible entries when the caller already knows them (the portal keeps them
    for a minute per person, clausier.portal.context); otherwise each predicate is asked."""
    if not request.user.is_authenticated:
        return []
    if keys is None:
        keys = visible_keys(request)
    links = []
    for item in registered_items():
        if item.key not in keys:
            continue
        url = static_url(item.url_name)
        links.append(NavLink(item.key, item.label, url, request.path.startswith(url)))
    return links
