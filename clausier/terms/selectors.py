"""The terms of sale and acceptances a person may see, as querysets."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q, QuerySet

from clausier.accounts.scoping import client_ids, staff_provider_ids
from clausier.accounts.selectors import visible_clients
from clausier.terms.models import Acceptance, TermsVersion


def visible_terms(person: Any) -> QuerySet[TermsVersion]:
    """Staff see their providers' versions, drafts included; clients the published ones."""
    client_providers = visible_clients(person).values_list("provider_id", flat=True)
    return TermsVersion.objects.filter(
        Q(provider_id__in=staff_provider_ids(person))
        | Q(provider_id__in=list(client_providers), published_at__isnull=False)
    )


def published_terms(provider_ids: Iterable[int]) -> QuerySet[TermsVersion]:
    """The published versions of these providers: what their clients read and accept."""
    return TermsVersion.objects.filter(
        provider_id__in=set(provider_ids), published_at__isnull=False
    )


def visible_acceptances(person: Any) -> QuerySet[Acceptance]:
    return Acceptance.objects.filter(
        Q(terms__provider_id__in=staff_provider_ids(person)) | Q(client_id__in=client_ids(person))
    )
