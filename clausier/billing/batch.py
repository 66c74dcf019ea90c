"""The billing run's fast path: many ordinary periods in one transaction.

An ordinary period (no pending credit, no price change, no SYNTEC anniversary, not a
first invoice) is billed exactly as `services.bill_next_period` would bill it, but a
batch of them shares one transaction, one block of invoice numbers taken under the
counter lock, and bulk inserts. A crash loses the whole batch or nothing; the rows of
the batch are locked (PostgreSQL) and re-checked, so a concurrent run never bills a
period twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

from django.db import transaction

from clausier.billing import numbering
from clausier.billing.contracts import policy_of
from clausier.billing.invoicing import (
    LineDraft,
    buyer_snapshot,
    compute_totals,
    local_date,
    seller_snapshot,
    series_for,
)
from clausier.billing.models import (
    Invoice,
    InvoiceKind,
    InvoiceLine,
    PriceChange,
    SlaCredit,
    SlaCreditStatus,
    Subscription,
    SubscriptionStatus,
)


def ordinary(subscriptions: list[Subscription]) -> tuple[list[Subscription], list[Subscription]]:
    """Split into (fast, special): special ones need the per-subscription path."""
    from clausier.billing.adjustments import next_anniversary
    from clausier.billing.services import next_period

    ids = [s.pk for s in subscriptions]
    with_credits = set(
        SlaCredit.objects.filter(
            subscription_id__in=ids, status=SlaCreditStatus.PENDING
        ).values_list("subscription_id", flat=True)
    )
    with_changes = set(
        PriceChange.objects.filter(subscription_id__in=ids, applied=False).values_list(
            "subscription_id", flat=True
        )
    )
    fast, special = [], []
    indexed: dict[int, bool] = {}  # per accepted pack: is the price revised by an index?
    for subscription in subscriptions:
        if subscription.acceptance_id not in indexed:
            indexed[subscription.acceptance_id] = policy_of(subscription).indexation() is not None
        anniversary = next_anniversary(subscription)
        revision_due = (
            indexed[subscription.acceptance_id]
            and anniversary is not None
            and anniversary <= next_period(subscription).start
        )
        if subscription.pk in with_credits or subscription.pk in with_changes or revision_due:
            special.append(subscription)
        else:
            fast.append(subscription)
    return fast, special


def bill_batch(*, now: datetime, subscriptions: list[Subscription]) -> list[Invoice]:
    from clausier.billing.services import pack_of, period_line

    if not subscriptions:
        return []
    with transaction.atomic():
        current = dict(
            Subscription.objects.select_for_update()
            .filter(pk__in=[s.pk for s in subscriptions], status=SubscriptionStatus.ACTIVE)
            .order_by("pk")  # one locking order for every run: no deadlock between runs
            .values_list("pk", "billed_until")
        )
        drafts: list[tuple[Subscription, Any, LineDraft]] = []
        packs: dict[int, Any] = {}
        for subscription in subscriptions:
            if current.get(subscription.pk) != subscription.billed_until:
                continue  # billed meanwhile by another run
            if subscription.acceptance_id not in packs:
                packs[subscription.acceptance_id] = pack_of(subscription)
            period, line = period_line(subscription, packs[subscription.acceptance_id])
            drafts.append((subscription, period, line))
        by_provider: dict[int, list[tuple[Subscription, Any, LineDraft]]] = defaultdict(list)
        for draft in drafts:
            by_provider[draft[0].provider_id].append(draft)
        series = series_for(InvoiceKind.INVOICE, now)
        invoices: list[Invoice] = []
        pending_lines: list[LineDraft] = []
        for provider_id, group in by_provider.items():
            number = numbering.take_numbers(provider_id, series, len(group))
            seller = seller_snapshot(group[0][0].provider)
            for offset, (subscription, period, line) in enumerate(group):
                totals = compute_totals([line])
                invoices.append(
                    Invoice(
                        provider_id=provider_id,
                        client_id=subscription.client_id,
                        kind=InvoiceKind.INVOICE,
                        series=series,
                        number=number + offset,
                        issued_at=now,
                        due_on=max(period.start, local_date(now)),
                        total_ht=totals.total_ht,
                        total_vat=totals.total_vat,
                        total_ttc=totals.total_ttc,
                        seller=seller,
                        buyer=buyer_snapshot(subscription.client),
                        idempotency_key=f"subscription:{subscription.pk}:{period.start.isoformat()}",
                    )
                )
                pending_lines.append(line)
                subscription.billed_until = period.end
        Invoice.objects.bulk_create(invoices)
        InvoiceLine.objects.bulk_create(
            InvoiceLine(
                invoice=invoice,
                position=1,
                description=line.description[:300],
                quantity=line.quantity,
                unit_price_ht=line.unit_price_ht,
                vat_rate=line.vat_rate,
                vat_category=line.vat_category,
                total_ht=line.total_ht,
                clause=line.clause,
                period_start=line.period_start,
                period_end=line.period_end,
                subscription=line.subscription,
            )
            for invoice, line in zip(invoices, pending_lines, strict=True)
        )
        # One UPDATE per new date (a batch mostly shares one), not a CASE per row.
        by_end: dict[Any, list[int]] = defaultdict(list)
        for subscription, period, _line in drafts:
            by_end[period.end].append(subscription.pk)
        for end, ids in by_end.items():
            Subscription.objects.filter(pk__in=ids).update(billed_until=end)
    return invoices
