"""The contract a server is watched under: its client's accepted pack and the provider's
office calendar (HO/HNO, art. 2 and 3.2)."""

from __future__ import annotations

from clausier.billing.subscriptions.contracts import pack_of
from clausier.core.businesstime import Calendar
from clausier.monitoring.escalation import critical_kinds
from clausier.monitoring.models import ManagedServer
from clausier.terms.packs import Pack, load_pack
from clausier.terms.rules.managed_hosting import office_calendar

SERVICE_LINE = "managed_hosting"
__all__ = ["critical_kinds", "server_calendar", "server_pack"]


def server_pack(server: ManagedServer) -> Pack:
    """The pack the client accepted for the server's subscription; the latest managed
    hosting pack when the server is not (yet) attached to one."""
    if server.subscription is not None:
        return pack_of(server.subscription)
    return load_pack(SERVICE_LINE)


def server_calendar(server: ManagedServer, pack: Pack) -> Calendar:
    return office_calendar(pack, server.provider.holiday_seat)
