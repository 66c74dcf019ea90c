"""Template context shared by every portal page: the menu and the breadcrumbs."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clausier.coaching import interruptions
from clausier.core.navigation import NavLink, links_for, static_url, visible_keys
from clausier.portal.reach import CLIENT_ADMIN, STAFF, request_reach, sees_billing


@dataclass(frozen=True)
class _Entry:
    key: str
    label: Any
    url_name: str
    # Who sees it: a predicate over the Reach.
    kinds: frozenset[str] | None = None
    needs_billing: bool = False


# The portal's own entries, before the apps' (core.navigation) ones.
_ENTRIES = (
    _Entry("portal.subscriptions", _("Abonnements"), "portal:subscriptions", needs_billing=True),
    _Entry("portal.invoices", _("Factures"), "portal:invoices", needs_billing=True),
    _Entry(
        "portal.terms", _("Conditions générales"), "portal:terms", frozenset({CLIENT_ADMIN, STAFF})
    ),
)


def _link(key: str, label: Any, url: str, path: str) -> NavLink:
    return NavLink(key, label, url, path.startswith(url))


def shell_links(request: HttpRequest) -> list[NavLink]:
    """The portal's fixed entries this person may see, per role."""
    if not request.user.is_authenticated:
        return []
    reach = request_reach(request)
    links = []
    for entry in _ENTRIES:
        if entry.needs_billing and not sees_billing(reach):
            continue
        if entry.kinds is not None and reach.kind not in entry.kinds:
            continue
        links.append(_link(entry.key, entry.label, static_url(entry.url_name), request.path))
    return links


def app_links(request: HttpRequest) -> list[NavLink]:
    """The apps' entries this person may see.

    Each app's predicate asks the database one question (is there a managed server, a
    library item, an enrolment...): seven queries on every page, a third of a small page's
    time. The answer is kept in the cache for NAV_CACHE_SECONDS per person *and* per reach
    (their live roles, clients and providers): a membership granted, suspended or revoked
    changes the key, so the menu follows at once; a first server or library item added
    for the client shows its entry within that delay. The menu only shows links: every
    page still checks its own permissions."""
    reach = request_reach(request)
    roles = repr(
        (
            sorted((k, sorted(v)) for k, v in reach.staff.items()),
            sorted((k, sorted(v)) for k, v in reach.clients.items()),
            sorted(reach.client_providers.items()),
        )
    )
    digest = hashlib.blake2b(roles.encode(), digest_size=12).hexdigest()
    key = f"portal.nav.{request.user.pk}.{digest}"
    keys = cache.get(key)
    if keys is None:
        keys = visible_keys(request)
        cache.set(key, keys, settings.NAV_CACHE_SECONDS)
    return links_for(request, keys)


def navigation(request: HttpRequest) -> dict[str, Any]:
    """`shell_nav`: the portal's entries for this person's role; `app_nav`: the entries the
    apps registered (core.navigation) this person may see; `nav_section`: the entry the
    current page belongs to (the breadcrumbs' middle step), if any."""
    if not request.user.is_authenticated:
        return {"shell_nav": [], "app_nav": [], "nav_section": None, "portal_kind": None}
    shell = shell_links(request)
    apps = app_links(request)
    section = next((link for link in [*shell, *apps] if link.active), None)
    return {
        "shell_nav": shell,
        "app_nav": apps,
        "nav_section": section,
        "portal_kind": request_reach(request).kind,
    }


def maintenance_banner(request: HttpRequest) -> dict[str, Any]:
    """Art. 7.4: announced maintenances not over yet, shown on every page of the people
    who may see them (the provider's staff, its clients' people). Read from the cache per
    provider (scheduling one clears its provider's entry), so a page costs no query."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    reach = request_reach(request)
    providers = set(reach.staff) | set(reach.client_providers.values())
    if not providers:
        return {}
    now = timezone.now()
    rows = [
        row
        for row in interruptions.upcoming_maintenances(providers, now)
        if row.announced_at is not None
        and row.ends_at is not None
        and row.announced_at <= now < row.ends_at
    ]
    return {"maintenance_banner": rows[:3]} if rows else {}
