"""GTI and GTR credits into billing (art. 14), once each, capped per server and month.

Each credit is settled in its own transaction, under a lock on its server: a row
(`ServerCredit`, unique per intervention and guarantee) and the billing credit
(`record_sla_credit`, unique per `source_key`) are written together, so that a month-end
job run twice, or killed midway and run again, issues every credit exactly once.

Reading of art. 14 ("le montant des frais mensuels du service concerné"): the cap is the
affected server's share of the fee (`ManagedServer.monthly_fee_ht`), the base the GTI and
GTR percentages are taken from. Support grants only what fits under it; billing then caps
again per subscription on the subscription's monthly fee, which the servers' shares make
up, so the second cap only binds when the shares were entered above the fee.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum

from clausier.billing.invoicing.credits import record_sla_credit
from clausier.monitoring.models import ManagedServer
from clausier.support.clock import credit_month, grant_within_cap
from clausier.support.models import CreditKind, EmergencyRequest, ServerCredit
from clausier.support.services.contract import pack_of_client
from clausier.terms.zone import contract_day


def source_key(request: EmergencyRequest, kind: str) -> str:
    return f"support:{request.pk}:{kind}"


def issue_credit(
    *, request: EmergencyRequest, kind: str, amount: Decimal, clause: str, now: datetime
) -> ServerCredit:
    """Grant one guarantee's credit of one intervention, once; capped for its server."""
    pack = pack_of_client(request.client)
    month = credit_month(contract_day(request.contacted_at, pack))
    with transaction.atomic():
        server = ManagedServer.objects.select_for_update().get(pk=request.server_id)
        existing = ServerCredit.objects.filter(request=request, kind=kind).first()
        if existing is not None:
            return existing
        already = ServerCredit.objects.filter(server=server, month=month).aggregate(
            total=Sum("granted")
        )["total"] or Decimal(0)
        grant = grant_within_cap(already, amount, server.monthly_fee_ht, pack)
        cited = clause if not grant.capped else f"{clause} ; {grant.clause.short}"
        sla_credit = None
        if grant.granted > 0 and server.subscription is not None:
            label = CreditKind(kind).label
            sla_credit = record_sla_credit(
                subscription=server.subscription,
                month=month,
                amount=grant.granted,
                clause=cited[:200],
                description=f"{label} {request.reference} ({server.name}) — {cited}",
                source_key=source_key(request, kind),
                now=now,
            )
        return ServerCredit.objects.create(
            request=request,
            server=server,
            kind=kind,
            month=month,
            computed=grant.computed,
            granted=grant.granted,
            clause=cited[:200],
            sla_credit=sla_credit,
            created_at=now,
        )
