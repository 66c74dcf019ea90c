"""Service credits (penalties): one entry point for support and monitoring, deducted
from the next invoice, capped per month and service (managed hosting art. 8.3, 14)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils.translation import gettext as _

from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import LineDraft
from clausier.billing.models import SlaCredit, SlaCreditStatus, Subscription
from clausier.core.money import to_cents
from clausier.terms.packs import Pack
from clausier.terms.policies import policy_for


def record_sla_credit(
    *,
    subscription: Subscription,
    month: date,
    amount: Decimal,
    clause: str,
    description: str,
    source_key: str,
    now: datetime,
) -> SlaCredit:
    """The one entry point for service credits (support, monitoring): recorded once per
    source, deducted from the next invoice, capped per month and service."""
    if amount <= 0:
        raise BillingError(_("Un crédit de service est positif."), "invalid_amount")
    credit, _created = SlaCredit.objects.get_or_create(
        source_key=source_key,
        defaults={
            "provider": subscription.provider,
            "client": subscription.client,
            "subscription": subscription,
            "month": month.replace(day=1),
            "amount": to_cents(amount),
            "clause": clause,
            "description": description[:300],
            "created_at": now,
        },
    )
    return credit


@dataclass
class CreditGrant:
    """What one month's pending credits turn into on the invoice being issued."""

    month: date
    credits: list[SlaCredit]
    deducted: Decimal
    clause: str
    line: LineDraft | None = None


def plan_credit_deductions(
    subscription: Subscription, pack: Pack, subtotal: Decimal
) -> list[CreditGrant]:
    """Pending credits, capped per month where the contract caps them (managed hosting
    art. 14: that month's fee; `ContractPolicy.credit_cap`) and never beyond the
    invoice's subtotal: what does not fit waits for the next invoice."""
    pending = SlaCredit.objects.filter(
        subscription=subscription, status=SlaCreditStatus.PENDING
    ).order_by("month", "pk")
    by_month: dict[date, list[SlaCredit]] = defaultdict(list)
    for credit in pending:
        by_month[credit.month].append(credit)
    grants: list[CreditGrant] = []
    room = to_cents(subtotal)
    policy = policy_for(pack)
    for month, credits in sorted(by_month.items()):
        requested = sum((c.amount for c in credits), Decimal(0))
        allowed, clause = requested, credits[0].clause
        already = SlaCredit.objects.filter(subscription=subscription, month=month).exclude(
            status=SlaCreditStatus.PENDING
        ).aggregate(total=Sum("granted"))["total"] or Decimal(0)
        capped = policy.credit_cap([already, requested], subscription.monthly_fee)
        if capped is not None:
            allowed = max(capped.granted - already, Decimal(0))
            if allowed < requested:
                clause = f"{clause} ; {capped.clause.short}"
        deducted = min(allowed, room)
        room -= deducted
        grant = CreditGrant(month, credits, deducted, clause)
        if deducted > 0:
            grant.line = LineDraft(
                description=_("Crédit de service %(month)s : %(what)s")
                % {
                    "month": month.strftime("%m/%Y"),
                    "what": "; ".join(c.description for c in credits),
                },
                unit_price_ht=-deducted,
                vat_rate=subscription.vat_rate,
                clause=clause[:200],
                subscription=subscription,
            )
        grants.append(grant)
        if allowed > deducted:
            grant.credits = _carry_over(credits, deducted, allowed)
    return grants


def _carry_over(credits: list[SlaCredit], deducted: Decimal, allowed: Decimal) -> list[SlaCredit]:
    """Keep pending the part of an allowed credit that did not fit on this invoice.

    The credits covered by `deducted` are returned to be settled now; the credit straddling
    the limit is split, its rest staying pending for the next invoice.
    """
    settled: list[SlaCredit] = []
    left = deducted
    for credit in credits:
        if left <= 0:
            break
        if credit.amount <= left:
            settled.append(credit)
            left -= credit.amount
            continue
        rest = credit.amount - left
        SlaCredit.objects.create(
            provider_id=credit.provider_id,
            client_id=credit.client_id,
            subscription_id=credit.subscription_id,
            month=credit.month,
            amount=rest,
            clause=credit.clause,
            description=credit.description,
            source_key=f"{credit.source_key}:rest:{credit.pk}:{rest}",
            created_at=credit.created_at,
        )
        SlaCredit.objects.filter(pk=credit.pk).update(amount=left)
        credit.amount = left
        settled.append(credit)
        left = Decimal(0)
    return settled


def settle_credits(
    grants: list[CreditGrant], lines_by_position: dict[int, Any], first_position: int
) -> None:
    position = first_position
    for grant in grants:
        line = None
        if grant.line is not None:
            line = lines_by_position[position]
            position += 1
        left = grant.deducted
        for credit in grant.credits:
            share = min(credit.amount, left)
            left -= share
            SlaCredit.objects.filter(pk=credit.pk).update(
                status=SlaCreditStatus.APPLIED if share > 0 else SlaCreditStatus.CAPPED,
                applied_line=line if share > 0 else None,
                granted=share,
            )
