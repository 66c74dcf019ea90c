"""The API under /api/: OpenAPI 3 at /api/openapi.json, docs at /api/docs.

Each app brings its own router (`<app>/api.py` or an `api/` package); this module only
assembles them, documents the errors and maps exceptions to their answers.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.operation import Operation

from clausier.accounts.api import organisations, people
from clausier.accounts.errors import InvalidInvitation, NotAllowed, TooManyAttempts
from clausier.api.auth import LiveSessionAuth, TokenAuth
from clausier.apikit.idempotency import IdempotencyKeyInUse, IdempotencyKeyReused
from clausier.apikit.schemas import ErrorOut
from clausier.billing.api import funders, invoicing, sepa
from clausier.billing.errors import PaymentAlreadyRecorded
from clausier.coaching import api as coaching_api
from clausier.coaching.errors import AlreadyChanged, SlotTaken
from clausier.content import api as content_api
from clausier.core.errors import DomainError
from clausier.monitoring import api as monitoring_api
from clausier.notify import api as notify_api
from clausier.support import api as support_api
from clausier.terms import api as terms_api
from clausier.training import api as training_api

# What each kind of error means; every error body is an `ErrorOut`.
ERROR_DESCRIPTIONS = {
    400: "Refused by the rules (the message says which).",
    401: "No valid API token or live session.",
    403: "Authenticated, but not allowed to do this (or the session's CSRF check failed).",
    404: "No such object among those the caller may see.",
    409: "Conflicts with the object's current state.",
    413: "The request body is larger than the server accepts.",
    422: "The request does not match this schema (fields lists each problem).",
}
WRITE_METHODS = {"post", "put", "patch", "delete"}

# django-ninja derives an operationId from the view's module. These routers lived in
# clausier/api/routers/ when their operationIds were published; clients generate code
# from them, so they keep those prefixes wherever the code lives now. A new app's
# router gets the default, from its own module.
OPERATION_ID_PREFIXES = {
    people.__name__: "clausier_api_routers_people",
    organisations.__name__: "clausier_api_routers_accounts",
    notify_api.__name__: "clausier_api_routers_accounts",
    terms_api.__name__: "clausier_api_routers_terms",
    invoicing.__name__: "clausier_api_routers_billing",
    sepa.__name__: "clausier_api_routers_sepa",
}


def error_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error statuses an operation can answer, from what it takes.

    Derived once for every operation, so a new endpoint documents its errors without
    anyone writing them by hand (the schemathesis test checks the derivation holds).
    """
    statuses: set[int] = set()
    if operation.get("security"):
        statuses |= {401, 403}
    parameters = operation.get("parameters", [])
    has_body = "requestBody" in operation
    if parameters or has_body:
        statuses |= {400, 422}
    if has_body or any(parameter["in"] == "path" for parameter in parameters):
        statuses.add(404)
    if has_body:
        statuses.add(413)
    if method in WRITE_METHODS:
        statuses |= {400, 409}
    return statuses


class ClausierAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        prefix = OPERATION_ID_PREFIXES.get(operation.view_func.__module__)
        if prefix is None:
            return super().get_openapi_operation_id(operation)
        return f"{prefix}_{operation.view_func.__name__}"

    def get_openapi_schema(self, **kwargs: Any) -> OpenAPISchema:
        schema = super().get_openapi_schema(**kwargs)
        schemas = schema.setdefault("components", {}).setdefault("schemas", {})
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for methods in schema["paths"].values():
            for method, operation in methods.items():
                responses = operation.setdefault("responses", {})
                for status in sorted(error_statuses(method, operation)):
                    responses.setdefault(
                        status, {"description": ERROR_DESCRIPTIONS[status], "content": error}
                    )
        return schema


api = ClausierAPI(
    title="Clausier API",
    version="1",
    description="Contracts, clients and people of a provider. Every list is scoped to the caller.",
    auth=[TokenAuth(), LiveSessionAuth()],
    urls_namespace="api",
)

api.add_router("/", people.router)
api.add_router("/", organisations.router)
api.add_router("/", notify_api.router)
api.add_router("/", terms_api.router)
api.add_router("/", invoicing.router)
api.add_router("/", sepa.router)
api.add_router("/", funders.router)
api.add_router("/", monitoring_api.router)
api.add_router("/", content_api.router)
api.add_router("/", coaching_api.router)
api.add_router("/", training_api.router)
api.add_router("/", support_api.router)


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
@api.exception_handler(PaymentAlreadyRecorded)
@api.exception_handler(IdempotencyKeyInUse)
@api.exception_handler(SlotTaken)
@api.exception_handler(AlreadyChanged)
def conflict(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 409, exc.code, str(exc.message))


@api.exception_handler(IdempotencyKeyReused)
def key_reused(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return _error(request, 422, exc.code, str(exc.message))


@api.exception_handler(TooManyAttempts)
def too_many_attempts(request: HttpRequest, exc: TooManyAttempts) -> HttpResponse:
    return _error(request, 429, exc.code, str(exc.message))


@api.exception_handler(DomainError)
def refused(request: HttpRequest, exc: DomainError) -> HttpResponse:
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
    # django-ninja raises these two itself, in English: give them a code and our words.
    if exc.status_code == 400:
        return _error(request, 400, "unreadable_body", _("Corps de requête illisible."))
    if exc.status_code == 403:
        return _error(
            request,
            403,
            "csrf_failed",
            _("Vérification CSRF échouée : envoyez le jeton CSRF de la session ou un jeton d'API."),
        )
    return _error(request, exc.status_code, "error", str(exc))


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, exc: Any) -> HttpResponse:
    return _error(request, 413, "too_large", _("La requête est trop volumineuse."))
