"""Billing's menu predicates (core.navigation), on the request's reach."""

from __future__ import annotations

from django.http import HttpRequest

from clausier.accounts.reach import request_reach


def orders_plans(request: HttpRequest) -> bool:
    """The plan catalogue is for client administrators (they subscribe)."""
    return bool(request_reach(request).admin_client_ids)
