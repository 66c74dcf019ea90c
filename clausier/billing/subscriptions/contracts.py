"""A subscription's contract: the terms pack its client accepted, and the policy it names.

Low in subscriptions (it imports only models and terms), so that termination, dunning,
SEPA and the billing run ask the contract without importing each other.
"""

from __future__ import annotations

from clausier.billing.models import Subscription
from clausier.terms.digests import load_accepted_pack
from clausier.terms.packs import Pack
from clausier.terms.policies import ContractPolicy, policy_for


def pack_of(subscription: Subscription) -> Pack:
    acceptance = subscription.acceptance
    return load_accepted_pack(
        subscription.plan.service_line, acceptance.pack_version, acceptance.pack_digest
    )


def policy_of(subscription: Subscription) -> ContractPolicy:
    return policy_for(pack_of(subscription))
