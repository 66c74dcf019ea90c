"""Who acts for a provider's billing: the roles that issue, credit and collect."""

from __future__ import annotations

from clausier.accounts.models import Role

BILLING_ROLES = {Role.OWNER.value, Role.ACCOUNTANT.value}
