"""Periodic jobs of the support desk (registered with `core.scheduler` from ready())."""

from __future__ import annotations

from datetime import datetime

from clausier.support.services.emergencies import settle_month_end


def settle_credits(now: datetime) -> int:
    """Issue every closed GTI/GTR credit not yet issued; a second run issues nothing."""
    return settle_month_end(now)
