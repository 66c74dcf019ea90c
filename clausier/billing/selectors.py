"""The billing rows a person may see, as querysets (the reach comes from `scoping`).

Invoices, mandates and SEPA files are for the provider's billing staff and the client's
administrators; members of a client organisation do not see them.
"""

from __future__ import annotations

from collections.abc import Iterable
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


def subscription_reach(person: Any) -> tuple[set[int], set[int]]:
    """The providers whose subscriptions this person sees (any staff role) and the
    clients whose subscriptions they see (client administrators)."""
    return staff_provider_ids(person), client_ids(person, {Role.CLIENT_ADMIN})


def subscriptions_of(providers: Iterable[int], clients: Iterable[int]) -> QuerySet[Subscription]:
    """The subscriptions of these providers and of these clients (`subscription_reach`)."""
    return Subscription.objects.filter(Q(provider_id__in=providers) | Q(client_id__in=clients))


def visible_subscriptions(person: Any) -> QuerySet[Subscription]:
    return subscriptions_of(*subscription_reach(person))


def visible_overage_agreements(person: Any) -> QuerySet[OverageAgreement]:
    return OverageAgreement.objects.filter(
        Q(provider_id__in=staff_provider_ids(person))
        | Q(client_id__in=client_ids(person, {Role.CLIENT_ADMIN}))
    )


def invoice_reach(person: Any) -> tuple[set[int], set[int]]:
    """The providers whose invoices this person sees (billing staff) and the clients
    whose invoices they see (client administrators)."""
    return staff_provider_ids(person, BILLING_ROLES), client_ids(person, {Role.CLIENT_ADMIN})


def invoices_of(providers: Iterable[int], clients: Iterable[int]) -> QuerySet[Invoice]:
    """The invoices of these providers and of these clients (`invoice_reach`)."""
    return Invoice.objects.filter(Q(provider_id__in=providers) | Q(client_id__in=clients))


def visible_invoices(person: Any) -> QuerySet[Invoice]:
    return invoices_of(*invoice_reach(person))


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
