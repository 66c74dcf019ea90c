"""Which home and which menu a person gets (issue 16): their reach (accounts.reach, one
query per request) and what billing adds to it.

The portal shows three kinds of people different things: a client administrator (what
needs action, invoices, subscriptions), a collaborator (their own things; invoices are
their administrator's business) and provider staff (owner, accountant, engineer, coach).
"""

from __future__ import annotations

from clausier.accounts.reach import CLIENT_ADMIN, COLLABORATOR, STAFF, Reach, request_reach
from clausier.billing.roles import BILLING_ROLES

__all__ = ["CLIENT_ADMIN", "COLLABORATOR", "STAFF", "Reach", "request_reach"]


def billing_provider_ids(reach: Reach) -> set[int]:
    return reach.staff_provider_ids(BILLING_ROLES)


def sees_billing(reach: Reach) -> bool:
    return bool(reach.admin_client_ids or billing_provider_ids(reach))
