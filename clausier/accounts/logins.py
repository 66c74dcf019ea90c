"""One login limiter for every door: the portal, the back-office and API token creation.

django-axes counts failed logins in the database (`axes_accessattempt`), so every worker
process and every door sees the same count. A door checks a password only through
`django.contrib.auth.authenticate(request, ...)`: Axes' backend refuses a locked-out
request before any password is checked, and its signal handler counts each failure.

Counts, within LOGIN_FAILURE_WINDOW_SECONDS:
- per account (the e-mail, whatever its case, from any address): LOGIN_MAX_FAILURES;
- per address (any account): LOGIN_MAX_FAILURES × LOGIN_ADDRESS_FACTOR, so that one
  address spraying many accounts is stopped too, without locking a whole office out
  after a few typos.
Superusers see and reset lockouts in the back-office (Axes' "access attempts").
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import authenticate
from django.db.models import Sum
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from clausier.accounts.errors import AccountsError, TooManyAttempts
from clausier.core.http import client_ip


def failure_limit(request: HttpRequest | None = None, credentials: Any = None) -> int:
    return int(settings.LOGIN_MAX_FAILURES)


def cool_off(request: HttpRequest | None = None) -> timedelta:
    return timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)


def login_identifier(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The account a login names: the e-mail, trimmed and lower-cased (logins ignore case)."""
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if not value and request is not None:
        value = request.POST.get("email") or request.POST.get("username")
    value = str(value or "").strip().lower()
    return value or None


def address(request: HttpRequest) -> str | None:
    return client_ip(request)


class LoginLimitHandler(AxesDatabaseHandler):
    """Axes' database handler, with the per-address count weighed against its higher
    ceiling, and a successful login clearing that account's failures only (never the
    address's: logging into one's own account must not reset a spraying count)."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        # One count per AXES_LOCKOUT_PARAMETERS group, in its order: account, then address.
        weights = [1, settings.LOGIN_ADDRESS_FACTOR]
        counts = [
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        ]
        # In units of the per-account limit: locked when either reaches its own ceiling.
        return max(count // weight for count, weight in zip(counts, weights, strict=True))

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        username = login_identifier(request, credentials)
        if username is None:
            return 0
        deleted, _rows = AccessAttempt.objects.filter(username=username).delete()
        return int(deleted)


def locked_out(request: HttpRequest) -> bool:
    """After `authenticate()` returned None: was it the limiter that said no?"""
    return bool(getattr(request, "axes_locked_out", False))


def lockout_message() -> str:
    return _("Trop de tentatives : réessayez dans quelques minutes.")


def lockout_response(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """What a locked-out door answers: 429 in the door's own form."""
    if original_response is not None and original_response.status_code == 429:
        return original_response  # the door (portal, API) already said so itself
    message = lockout_message()
    if request.path.startswith("/api/"):
        body = {"code": "too_many_attempts", "message": message, "fields": {}}
        return JsonResponse(body, status=429)
    # The back-office login page, with the message where admin pages show messages.
    messages.error(request, message)
    context = {
        **admin.site.each_context(request),
        "title": _("Connexion"),
        "form": AdminAuthenticationForm(request),
        "app_path": request.get_full_path(),
        "username": "",
    }
    return render(request, "admin/login.html", context, status=429)


def confirm_password(request: HttpRequest, person: Any, password: str) -> None:
    """Ask a logged-in person's password again (before minting an API token): a stolen
    session alone cannot create a long-lived credential, and guesses count as failed
    logins of that account."""
    confirmed = authenticate(request, username=person.email, password=password or "")
    if confirmed is None and locked_out(request):
        raise TooManyAttempts(lockout_message())
    if confirmed is None or confirmed.pk != person.pk:
        raise AccountsError(_("Mot de passe incorrect."), "wrong_password")
