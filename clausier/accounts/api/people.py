"""The caller, their API tokens."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status

from clausier.accounts import logins, selectors, services
from clausier.accounts.errors import AccountsError
from clausier.accounts.models import ApiToken, Membership, Person
from clausier.accounts.schemas import MeOut, MePatch, TokenCreatedOut, TokenIn, TokenOut
from clausier.apikit.schemas import ErrorOut

router = Router(tags=["people"])


def caller(request: HttpRequest) -> Person:
    return request.auth  # type: ignore[attr-defined]


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> dict[str, object]:
    person = caller(request)
    memberships = Membership.objects.filter(person=person, revoked_at__isnull=True).select_related(
        "person"
    )
    return {"person": person, "memberships": list(memberships)}


@router.patch("/me", response=MeOut)
def update_me(request: HttpRequest, payload: MePatch) -> dict[str, object]:
    person = caller(request)
    changes = payload.model_dump(exclude_unset=True)
    if "language" in changes and changes["language"] not in dict(settings.LANGUAGES):
        raise AccountsError(
            _("Langue inconnue : %(language)s.") % {"language": changes["language"]},
            "invalid_language",
        )
    for name, value in changes.items():
        if value is not None:
            setattr(person, name, value.strip() if name != "language" else value)
    person.save(update_fields=[n for n, v in changes.items() if v is not None] or None)
    return me(request)


@router.get("/tokens", response=list[TokenOut])
def list_tokens(request: HttpRequest) -> list[ApiToken]:
    return list(selectors.own_api_tokens(caller(request)))


@router.post("/tokens", response={201: TokenCreatedOut, 400: ErrorOut, 429: ErrorOut})
def create_token(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    """Create a token; the caller's password is asked again and counts as a login."""
    logins.confirm_password(request, caller(request), payload.password)
    token, secret = services.create_api_token(
        now=timezone.now(), person=caller(request), name=payload.name
    )
    data = TokenOut.from_orm(token).model_dump()
    data["token"] = secret
    return Status(201, data)


@router.delete("/tokens/{token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: int) -> Status[None]:
    token = get_object_or_404(selectors.own_api_tokens(caller(request)), pk=token_id)
    services.revoke_api_token(now=timezone.now(), person=caller(request), token=token)
    return Status(204, None)
