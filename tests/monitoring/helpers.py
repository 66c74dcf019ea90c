"""Small builders for the monitoring tests: a provider, a client with people, a server."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services as billing_services
from clausier.monitoring.models import ManagedServer, MonitoredService
from clausier.monitoring.services.results import Observation, record_result
from clausier.probes.result import State
from tests.billing.builders import hosting_plan
from tests.helpers import accepted_terms, make_client, make_client_user, make_provider, make_staff


@dataclass
class World:
    provider: Any
    client: Any
    owner: Any
    engineer: Any
    admin: Any
    member: Any
    server: ManagedServer

    def service(self, name: str) -> MonitoredService:
        return self.server.services.get(name=name)


def monitoring_world(now: datetime, *, subscribed: bool = False, **server_fields: Any) -> World:
    provider = make_provider("Kalanda")
    client = make_client(provider, "Boulangerie")
    owner = make_staff(provider, Role.OWNER)
    engineer = make_staff(provider, Role.ENGINEER)
    admin = make_client_user(client, Role.CLIENT_ADMIN)
    member = make_client_user(client, Role.CLIENT_MEMBER)
    subscription = None
    if subscribed:
        accepted_terms(client, ServiceLine.MANAGED_HOSTING, now, "1.1")
        plan = hosting_plan(provider)
        subscription = billing_services.subscribe(now=now, actor=admin, client=client, plan=plan)
    fields: dict[str, Any] = {
        "name": "www1",
        "address": "127.0.0.1",
        "monthly_fee_ht": Decimal("100.00"),
        "created_at": now,
    }
    fields.update(server_fields)
    server = ManagedServer.objects.create(
        provider=provider, client=client, subscription=subscription, **fields
    )
    return World(provider, client, owner, engineer, admin, member, server)


def feed(
    service: MonitoredService,
    states: list[State],
    start: datetime,
    step: timedelta = timedelta(minutes=1),
) -> datetime:
    """Record one result per state, `step` apart; returns the time of the last."""
    at = start
    for i, state in enumerate(states):
        at = start + i * step
        record_result(service.pk, Observation(state, f"{state.name} - test output"), at)
    return at
