"""Funders (OPCO) of a provider: the payers of invoices a client does not pay itself.

Staff of the provider read them; its billing staff (owner, accountant) create them.
Client users never see funders: a funded invoice shows them its payer's name only.
"""

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Router, Status
from ninja.pagination import paginate

from clausier.accounts import scoping, selectors
from clausier.accounts.api.people import caller
from clausier.apikit.pagination import Page
from clausier.billing.invoicing import funders
from clausier.billing.models import Funder
from clausier.billing.schemas import FunderIn, FunderOut
from clausier.billing.selectors import visible_funders

router = Router(tags=["billing"])


@router.get("/funders", response=list[FunderOut])
@paginate(Page)
def list_funders(request: HttpRequest) -> Any:
    return visible_funders(caller(request)).order_by("legal_name", "pk")


@router.post("/funders", response={201: FunderOut})
def create_funder(request: HttpRequest, payload: FunderIn) -> Status[Funder]:
    """A funder of the provider. An invalid SIRET or VAT number is a 400 naming the
    field; a SIRET the provider already has is a 400 `duplicate`; the provider's staff
    other than its owner and accountant get a 403, everyone else a 404."""
    person = caller(request)
    provider = get_object_or_404(
        selectors.visible_providers(person).filter(pk__in=scoping.staff_provider_ids(person)),
        pk=payload.provider_id,
    )
    fields = payload.model_dump(exclude={"provider_id"})
    funder = funders.create_funder(
        now=timezone.now(), actor=person, provider=provider, fields=fields
    )
    return Status(201, funder)


@router.get("/funders/{funder_id}", response=FunderOut)
def get_funder(request: HttpRequest, funder_id: int) -> Funder:
    return get_object_or_404(visible_funders(caller(request)), pk=funder_id)
