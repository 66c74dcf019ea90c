"""The terms pack a subscription runs under: the version its client accepted."""

from __future__ import annotations

from clausier.billing.models import Subscription
from clausier.terms.digests import load_accepted_pack
from clausier.terms.packs import Pack


def pack_of(subscription: Subscription) -> Pack:
    acceptance = subscription.acceptance
    return load_accepted_pack(
        subscription.plan.service_line, acceptance.pack_version, acceptance.pack_digest
    )
