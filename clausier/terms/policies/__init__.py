"""Contract policies: one per service line, the contract as billing asks it.

The pack names its policy: a pack's `[pack] service_line` header (digest-locked with the
rest of the shipped file) is the key of `POLICIES`, so `policy_for(pack)` answers with
the policy of the contract the client accepted, reading that very pack. Billing, dunning,
termination and credits call the policy instead of testing the service line; a new
service line adds its pack folder and its policy module here, registered below.
"""

from __future__ import annotations

import functools

from clausier.terms.packs import Pack, PackError
from clausier.terms.policies.base import ContractPolicy
from clausier.terms.policies.coaching_training import CoachingTrainingPolicy
from clausier.terms.policies.managed_hosting import ManagedHostingPolicy

POLICIES: dict[str, type[ContractPolicy]] = {
    policy.service_line: policy for policy in (ManagedHostingPolicy, CoachingTrainingPolicy)
}


@functools.lru_cache(maxsize=64)
def policy_for(pack: Pack) -> ContractPolicy:
    """The policy the pack names, reading that pack (one per pack: policies keep no state)."""
    try:
        policy = POLICIES[pack.service_line]
    except KeyError:
        raise PackError(f"{pack.label}: no contract policy for this service line") from None
    return policy(pack)


__all__ = ["POLICIES", "ContractPolicy", "policy_for"]
