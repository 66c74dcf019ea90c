"""Terms of sale: drafts, publication, double-click acceptance (coaching art. 2, 11, 38)."""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts import selectors as accounts_selectors
from clausier.accounts.api.people import caller
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ServiceLine
from clausier.apikit.pagination import Page
from clausier.core.http import client_ip
from clausier.terms import services
from clausier.terms.models import Acceptance, TermsVersion
from clausier.terms.schemas import (
    AcceptanceOut,
    AcceptIn,
    PublishIn,
    ReviewIn,
    ReviewOut,
    TermsIn,
    TermsOut,
)
from clausier.terms.selectors import visible_acceptances, visible_terms

router = Router(tags=["terms"])


@router.get("/terms", response=list[TermsOut])
@paginate(Page)
def list_terms(request: HttpRequest) -> Any:
    return visible_terms(caller(request)).order_by("-created_at", "-pk")


@router.post("/terms", response={201: TermsOut})
def create_terms(request: HttpRequest, payload: TermsIn) -> Status[TermsVersion]:
    person = caller(request)
    provider = get_object_or_404(
        accounts_selectors.visible_providers(person), pk=payload.provider_id
    )
    if payload.service_line not in ServiceLine.values:
        raise services.TermsError(
            _("Métier inconnu : %(line)s.") % {"line": payload.service_line}, "unknown_service_line"
        )
    terms = services.create_draft(
        now=timezone.now(),
        actor=person,
        provider=provider,
        service_line=payload.service_line,
        version=payload.version,
        pack_version=payload.pack_version,
        text_fr=payload.text_fr,
        text_de=payload.text_de,
        text_en=payload.text_en,
    )
    return Status(201, terms)


@router.get("/terms/{terms_id}", response=TermsOut)
def get_terms(request: HttpRequest, terms_id: int) -> TermsVersion:
    return get_object_or_404(visible_terms(caller(request)), pk=terms_id)


@router.post("/terms/{terms_id}/publish", response=TermsOut)
def publish_terms(request: HttpRequest, terms_id: int, payload: PublishIn) -> TermsVersion:
    person = caller(request)
    terms = get_object_or_404(visible_terms(person), pk=terms_id)
    return services.publish(
        now=timezone.now(), actor=person, terms=terms, effective_at=payload.effective_at
    )


def _client_and_terms(
    request: HttpRequest, terms_id: int, client_id: int
) -> tuple[Any, TermsVersion]:
    person = caller(request)
    terms = get_object_or_404(visible_terms(person).filter(published_at__isnull=False), pk=terms_id)
    client = get_object_or_404(accounts_selectors.visible_clients(person), pk=client_id)
    if client.provider_id != terms.provider_id:
        raise NotAllowed(_("Ces conditions ne concernent pas cette organisation."))
    return client, terms


@router.post("/terms/{terms_id}/review", response=ReviewOut)
def review_terms(request: HttpRequest, terms_id: int, payload: ReviewIn) -> dict[str, Any]:
    """First click: returns the text shown and a token for the confirmation."""
    client, terms = _client_and_terms(request, terms_id, payload.client_id)
    first, text = services.review(
        now=timezone.now(),
        person=caller(request),
        client=client,
        terms=terms,
        language=payload.language,
    )
    return {
        "review_token": first.sign(),
        "language": first.language,
        "text": text,
        "reviewed_at": first.reviewed_at,
    }


@router.post("/terms/{terms_id}/accept", response={201: AcceptanceOut})
def accept_terms(request: HttpRequest, terms_id: int, payload: AcceptIn) -> Status[Acceptance]:
    """Second click: records the acceptance."""
    client, terms = _client_and_terms(request, terms_id, payload.client_id)
    acceptance = services.accept(
        now=timezone.now(),
        person=caller(request),
        client=client,
        terms=terms,
        review_token=payload.review_token,
        ip_address=client_ip(request),
    )
    return Status(201, acceptance)


@router.get("/acceptances", response=list[AcceptanceOut])
@paginate(Page)
def list_acceptances(request: HttpRequest) -> Any:
    return visible_acceptances(caller(request)).order_by("-accepted_at", "-pk")
