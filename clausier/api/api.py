"""The API under /api/: OpenAPI 3 at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from clausier.accounts.errors import AccountsError, InvalidInvitation, NotAllowed, TooManyAttempts
from clausier.api.auth import LiveSessionAuth, TokenAuth
from clausier.api.routers import accounts, billing, people, sepa, terms

api = NinjaAPI(
    title="Clausier API",
    version="1",
    description="Contracts, clients and people of a provider. Every list is scoped to the caller.",
    auth=[TokenAuth(), LiveSessionAuth()],
    urls_namespace="api",
)

api.add_router("/", people.router)
api.add_router("/", accounts.router)
api.add_router("/", terms.router)
api.add_router("/", billing.router)
api.add_router("/", sepa.router)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    fields: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "fields": fields or {}}, status=status
    )


@api.exception_handler(NotAllowed)
def not_allowed(request: HttpRequest, exc: NotAllowed) -> HttpResponse:
    return _error(request, 403, exc.code, str(exc.message))


@api.exception_handler(InvalidInvitation)
def invalid_invitation(request: HttpRequest, exc: InvalidInvitation) -> HttpResponse:
    return _error(request, 409, exc.code, str(exc.message))


@api.exception_handler(TooManyAttempts)
def too_many_attempts(request: HttpRequest, exc: TooManyAttempts) -> HttpResponse:
    return _error(request, 429, exc.code, str(exc.message))


@api.exception_handler(AccountsError)
def refused(request: HttpRequest, exc: AccountsError) -> HttpResponse:
    return _error(request, 400, exc.code, str(exc.message))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    if hasattr(exc, "error_dict"):
        fields = {
            name: [str(m) for m in ValidationError(errs).messages]
            for name, errs in exc.error_dict.items()
        }
    return _error(request, 400, "invalid", " ".join(str(m) for m in exc.messages), fields)


@api.exception_handler(NinjaValidationError)
def invalid_payload(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, list[str]] = {}
    for error in exc.errors:
        location = ".".join(
            str(part) for part in error.get("loc", ()) if part not in ("body", "payload")
        )
        fields.setdefault(location or "body", []).append(str(error.get("msg", "")))
    return _error(request, 422, "invalid_payload", _("Données invalides."), fields)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 404, "not_found", _("Introuvable."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(
        request, 401, "unauthenticated", _("Authentification requise (jeton d'API ou session).")
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, "error", str(exc))
