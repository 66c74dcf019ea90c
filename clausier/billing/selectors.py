"""The billing rows a person may see, as querysets (the reach comes from `scoping`).

Invoices, mandates and SEPA files are for the provider's billing staff and the client's
administrators; members of a client organisation do not see them.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.models import Role
from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.accounts.selectors import visible_providers
from clausier.billing.models import (
    DebitCollection,
    Funder,
    Invoice,
    Mandate,
    OverageAgreement,
    Plan,
    Subscription,
)
from clausier.billing.roles import BILLING_ROLES


def visible_plans(person: Any) -> QuerySet[Plan]:
    return Plan.objects.filter(provider__in=visible_providers(person))


def visible_subscriptions(person: Any) -> QuerySet[Subscription]:
    return Subscription.objects.filter(
        Q(provider_id__in=staff_provider_ids(person))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_overage_agreements(person: Any) -> QuerySet[OverageAgreement]:
    return OverageAgreement.objects.filter(
        Q(provider_id__in=staff_provider_ids(person))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_invoices(person: Any) -> QuerySet[Invoice]:
    return Invoice.objects.filter(
        Q(provider_id__in=staff_provider_ids(person, BILLING_ROLES))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_mandates(person: Any) -> QuerySet[Mandate]:
    return Mandate.objects.filter(
        Q(client__provider_id__in=staff_provider_ids(person, BILLING_ROLES))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def visible_debit_collections(person: Any) -> QuerySet[DebitCollection]:
    """SEPA debit files carry every client's bank details: billing staff only."""
    return DebitCollection.objects.filter(provider_id__in=staff_provider_ids(person, BILLING_ROLES))


def visible_funders(person: Any) -> QuerySet[Funder]:
    """Funders are the provider's staff's business: client users never list them."""
    return Funder.objects.filter(provider_id__in=staff_provider_ids(person))
