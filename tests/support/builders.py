"""A managed-hosting client with a paid subscription and a server, for support tests."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from clausier.accounts.models import Role, ServiceLine
from clausier.billing import services
from clausier.billing.models import Invoice
from clausier.monitoring.models import ManagedServer
from tests.billing.builders import billing_world
from tests.helpers import make_staff

ORDER = datetime(2026, 1, 5, 8, tzinfo=UTC)  # a Monday, 9:00 in Paris


def support_world(pack_version: str = "1.1", **server_fields: Any) -> dict[str, Any]:
    w = billing_world(ServiceLine.MANAGED_HOSTING, ORDER, pack_version)
    subscription = services.subscribe(
        now=ORDER, actor=w["admin"], client=w["client"], plan=w["plan"]
    )
    first = Invoice.objects.get(client=w["client"])
    services.record_payment(
        now=ORDER, invoice=first, amount=first.total_ttc, method="transfer", reference="r1"
    )
    subscription.refresh_from_db()
    fields: dict[str, Any] = {
        "name": "web1",
        "address": "web1.boulangerie.example",
        "monthly_fee_ht": Decimal("100.00"),  # the whole fee: 300 per quarter
        "full_backup": True,
    }
    fields.update(server_fields)
    server = ManagedServer.objects.create(
        provider=w["provider"], client=w["client"], subscription=subscription, **fields
    )
    w.update(
        subscription=subscription,
        server=server,
        engineer=make_staff(w["provider"], Role.ENGINEER),
        engineer2=make_staff(w["provider"], Role.ENGINEER),
    )
    return w
