"""The billing run's fast path: many ordinary periods in one transaction.

An ordinary period (no pending credit, no price change, no SYNTEC anniversary, not a
first invoice) is billed exactly as `services.bill_next_period` would bill it, but a
batch of them shares one transaction and one `issue_many`: one block of invoice numbers
per provider, taken under the counter lock, and bulk inserts. A crash loses the whole
batch or nothing; the rows of the batch are locked (PostgreSQL) and re-checked, so a
concurrent run never bills a period twice.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet

from clausier.billing.invoicing.issue import InvoiceDraft, issue_many, local_date
from clausier.billing.models import (
    Invoice,
    PriceChange,
    SlaCredit,
    SlaCreditStatus,
    Subscription,
    SubscriptionStatus,
)
from clausier.billing.subscriptions.adjustments import next_anniversary
from clausier.billing.subscriptions.contracts import pack_of, policy_of
from clausier.billing.subscriptions.schedule import next_period, period_line
from clausier.terms.packs import Pack


def with_pending_changes(subscriptions: QuerySet[Subscription]) -> QuerySet[Subscription]:
    """Annotate what sends a subscription off the fast path, read in the same query."""
    return subscriptions.annotate(
        pending_credit=Exists(
            SlaCredit.objects.filter(subscription=OuterRef("pk"), status=SlaCreditStatus.PENDING)
        ),
        pending_change=Exists(
            PriceChange.objects.filter(subscription=OuterRef("pk"), applied=False)
        ),
    )


def ordinary(subscriptions: list[Subscription]) -> tuple[list[Subscription], list[Subscription]]:
    """Split into (fast, special): special ones need the per-subscription path.

    Subscriptions read through `with_pending_changes` carry their pending credits and
    price changes; others are looked up here.
    """
    ids = [s.pk for s in subscriptions if not hasattr(s, "pending_credit")]
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
        pending = (
            getattr(subscription, "pending_credit", False)
            or getattr(subscription, "pending_change", False)
            or subscription.pk in with_credits
            or subscription.pk in with_changes
        )
        if pending or revision_due:
            special.append(subscription)
        else:
            fast.append(subscription)
    return fast, special


def bill_batch(*, now: datetime, subscriptions: list[Subscription]) -> list[Invoice]:
    if not subscriptions:
        return []
    with transaction.atomic(savepoint=False):  # the batch is one unit: no savepoint of its own
        current = dict(
            Subscription.objects.select_for_update()
            .filter(pk__in=[s.pk for s in subscriptions], status=SubscriptionStatus.ACTIVE)
            .order_by("pk")  # one locking order for every run: no deadlock between runs
            .values_list("pk", "billed_until")
        )
        packs: dict[int, Pack] = {}
        drafts: list[InvoiceDraft] = []
        ends: dict[date, list[Subscription]] = defaultdict(list)
        for subscription in subscriptions:
            if current.get(subscription.pk) != subscription.billed_until:
                continue  # billed meanwhile by another run
            if subscription.acceptance_id not in packs:
                packs[subscription.acceptance_id] = pack_of(subscription)
            period, line = period_line(subscription, packs[subscription.acceptance_id])
            drafts.append(
                InvoiceDraft(
                    provider=subscription.provider,
                    client=subscription.client,
                    lines=[line],
                    idempotency_key=f"subscription:{subscription.pk}:{period.start.isoformat()}",
                    due_on=max(period.start, local_date(now)),
                )
            )
            ends[period.end].append(subscription)
        invoices = issue_many(now=now, drafts=drafts)
        # One UPDATE per new date (a batch mostly shares one), not a CASE per row.
        for end, billed in ends.items():
            Subscription.objects.filter(pk__in=[s.pk for s in billed]).update(billed_until=end)
            for subscription in billed:
                subscription.billed_until = end
    return invoices
