"""A client's termination of a subscription, and what it leaves to invoice.

- Coaching (art. 9.1.3 in commitment, art. 17 after): the termination takes effect at
  the end of the commitment or of the renewal period (a late notice lets one more period
  run); the instalments still to fall due until then are invoiced at once ("le solde de
  l'abonnement en cours est facturé"). Force majeure (art. 28) releases a client in
  commitment from that balance.
- Managed hosting (art. 9): the client may terminate before term, by registered letter
  or online in the client area, without refund of sums paid. Read against the drafter,
  the service runs to the end of the period already invoiced and nothing more is billed.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role, ServiceLine
from clausier.billing.errors import BillingError
from clausier.billing.invoicing import LineDraft, issue, local_date
from clausier.billing.models import Invoice, Subscription, SubscriptionStatus
from clausier.core import audit
from clausier.terms.rules import coaching_training

FREQUENCIES: dict[str, Literal["monthly", "quarterly", "half_yearly", "yearly"]] = {
    "monthly": "monthly",
    "quarterly": "quarterly",
    "semiannual": "half_yearly",
    "annual": "yearly",
}


def terminate(
    *, now: datetime, actor: Person, subscription: Subscription, force_majeure: bool = False
) -> tuple[date, Invoice | None]:
    """Record the client's notice; returns the end date and the balance invoice, if any."""
    from clausier.billing.services import BILLING_ROLES, bill_due, pack_of

    staff = subscription.provider_id in scoping.staff_provider_ids(actor, BILLING_ROLES)
    if not staff and subscription.client_id not in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client résilie son abonnement."))
    if subscription.end_date is not None or subscription.status == SubscriptionStatus.TERMINATED:
        raise BillingError(_("Cet abonnement est déjà résilié."), "already_terminated")
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.start_date is None:
        raise BillingError(_("Un abonnement non commencé n'a pas à être résilié."), "not_started")
    pack = pack_of(subscription)
    notice_on = local_date(now)
    balance: Invoice | None = None
    with transaction.atomic():
        if subscription.plan.service_line == ServiceLine.COACHING_TRAINING:
            # Instalments due up to the notice day are ordinary invoices: issue them first.
            bill_due(now=now, until=notice_on, subscription_ids=[subscription.pk])
            subscription.refresh_from_db()
            termination = coaching_training.client_termination(subscription.start_date, now, pack)
            remaining = coaching_training.termination_balance(
                subscription.start_date,
                now,
                FREQUENCIES[subscription.periodicity],
                subscription.price_ht,
                pack,
                force_majeure=force_majeure,
            )
            end = termination.effective_on
            if remaining.total > 0:
                balance = issue(
                    now=now,
                    provider=subscription.provider,
                    client=subscription.client,
                    lines=[
                        LineDraft(
                            description=_(
                                "%(label)s — %(count)s échéances restant dues jusqu'au %(end)s"
                            )
                            % {
                                "label": subscription.label,
                                "count": len(remaining.due_dates),
                                "end": end.strftime("%d/%m/%Y"),
                            },
                            unit_price_ht=remaining.instalment,
                            quantity=Decimal(len(remaining.due_dates)),
                            vat_rate=subscription.vat_rate,
                            clause=str(remaining.clause),
                            period_start=remaining.due_dates[0],
                            period_end=end,
                            subscription=subscription,
                        )
                    ],
                    idempotency_key=f"termination:{subscription.pk}",
                    due_on=notice_on,
                )
            clause = str(termination.clause)
        else:
            end = subscription.billed_until or notice_on
            clause = str(pack.clause("termination.client_before_term"))
        Subscription.objects.filter(pk=subscription.pk).update(
            end_date=end, billed_until=max(end, subscription.billed_until or end)
        )
        audit.record(
            "subscription.terminated",
            subscription,
            actor=actor,
            provider=subscription.provider,
            client=subscription.client,
            details={
                "notice_on": notice_on.isoformat(),
                "end": end.isoformat(),
                "clause": clause,
                "balance": balance.display_number if balance else None,
                "force_majeure": force_majeure,
            },
        )
    return end, balance
