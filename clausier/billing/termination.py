"""A client's termination of a subscription, and what it leaves to invoice.

- Coaching (art. 9.1.3 in commitment, art. 17 after): the termination takes effect at
  the end of the commitment or of the renewal period (a late notice lets one more period
  run). The instalments still to fall due until then stay owed. How they are billed is
  the pack's reading (`coaching_training.balance_at_due_dates`): pack 1.0 issues them in
  one invoice on the notice day; from 1.1 each stays invoiced and payable on its own date
  by the ordinary billing run, which stops at the contract's end. Force majeure (art. 28)
  releases a client in commitment from that balance.
- Coaching art. 8.1: a notice given after a price increase was announced and before it
  applies ends the contract on the day the new price would apply; nothing is owed after.
- Managed hosting (art. 9): the client may terminate before term, by registered letter
  or online in the client area, without refund of sums paid. Read against the drafter,
  the service runs to the end of the period already invoiced and nothing more is billed.

Which of these applies is the contract policy's answer (`ContractPolicy.termination_balance`,
`clausier.terms.policies`); this module turns it into invoices and dates.

`termination_plan` answers "what happens if I terminate now" without changing anything:
the portal shows it before the client confirms, and `terminate` carries it out.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import Person, Role
from clausier.billing import notices
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import LineDraft, issue, local_date
from clausier.billing.models import Invoice, PriceChange, Subscription, SubscriptionStatus
from clausier.billing.roles import BILLING_ROLES
from clausier.billing.services import bill_due
from clausier.billing.subscriptions.contracts import policy_of
from clausier.billing.subscriptions.schedule import next_period
from clausier.core import audit
from clausier.core.money import to_cents
from clausier.terms.policies.base import BalanceBilling
from clausier.terms.rules.coaching_training import AnnouncedIncrease


@dataclass(frozen=True)
class RemainingInstalment:
    due_on: date
    last_day: date  # the last day the instalment pays for
    amount_ht: Decimal


@dataclass(frozen=True)
class TerminationPlan:
    notice_on: date
    end: date  # the first day without contract
    clause: str
    remaining: tuple[RemainingInstalment, ...]
    at_once: bool  # the remaining instalments are billed in one invoice on the notice day
    refused_increase: PriceChange | None  # art. 8.1: the increase this notice refuses

    @property
    def total_ht(self) -> Decimal:
        return sum((item.amount_ht for item in self.remaining), Decimal("0.00"))

    @property
    def last_day(self) -> date:
        return date.fromordinal(self.end.toordinal() - 1)


def check_may_terminate(actor: Person, subscription: Subscription) -> None:
    """Raise unless `actor` may give notice on this subscription now."""
    staff = subscription.provider_id in scoping.staff_provider_ids(actor, BILLING_ROLES)
    if not staff and subscription.client_id not in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client résilie son abonnement."))
    if subscription.end_date is not None or subscription.status == SubscriptionStatus.TERMINATED:
        raise BillingError(_("Cet abonnement est déjà résilié."), "already_terminated")
    if subscription.status != SubscriptionStatus.ACTIVE or subscription.start_date is None:
        raise BillingError(_("Un abonnement non commencé n'a pas à être résilié."), "not_started")


def _pending_increase(subscription: Subscription, notice_on: date) -> PriceChange | None:
    """The announced increase not applied yet that a notice given today would refuse."""
    return (
        subscription.price_changes.filter(applied=False, applies_from__gt=notice_on)
        .order_by("applies_from", "pk")
        .first()
    )


def _price_on(subscription: Subscription, day: date) -> Decimal:
    """The price the billing run will charge for a period starting on `day`."""
    change = (
        subscription.price_changes.filter(applied=False, applies_from__lte=day)
        .order_by("-applies_from", "-pk")
        .first()
    )
    return change.new_price_ht if change is not None else subscription.price_ht


def _at_due_dates(
    subscription: Subscription, notice_on: date, end: date
) -> list[RemainingInstalment]:
    """What the ordinary billing run will issue from now to the end, period by period."""
    ghost = copy.copy(subscription)  # never saved: only walks the periods to come
    ghost.end_date = end
    remaining: list[RemainingInstalment] = []
    while ghost.billed_until is not None and ghost.billed_until < end:
        period = next_period(ghost)
        if period.start > notice_on:
            amount = to_cents(_price_on(subscription, period.start) * period.prorata)
            remaining.append(RemainingInstalment(period.start, period.last_day, amount))
        ghost.billed_until = period.end
    return remaining


def termination_plan(
    *, now: datetime, subscription: Subscription, force_majeure: bool = False
) -> TerminationPlan:
    """What a notice given at `now` would do: end date, clause, instalments still owed."""
    policy = policy_of(subscription)
    notice_on = local_date(now)
    change = _pending_increase(subscription, notice_on)
    balance = policy.termination_balance(
        start=subscription.start_date,
        notice_given_at=now,
        paid_through=subscription.billed_until,
        period_months=subscription.period_months,
        instalment=subscription.price_ht,
        force_majeure=force_majeure,
        pending_increase=(
            AnnouncedIncrease(change.announced_at, change.applies_from) if change else None
        ),
    )
    end = balance.effective_on
    refused = change if balance.refuses_increase else None
    remaining: list[RemainingInstalment] = []
    if balance.billing is BalanceBilling.AT_ONCE:
        remaining = [RemainingInstalment(due, due, balance.instalment) for due in balance.due_dates]
    elif balance.billing is BalanceBilling.AT_DUE_DATES:
        remaining = _at_due_dates(subscription, notice_on, end)
    return TerminationPlan(
        notice_on, end, str(balance.clause), tuple(remaining), balance.at_once, refused
    )


def terminate(
    *, now: datetime, actor: Person, subscription: Subscription, force_majeure: bool = False
) -> tuple[date, Invoice | None]:
    """Record the client's notice; returns the end date and the balance invoice, if any.

    The balance invoice exists only where the pack bills the balance at once (1.0);
    otherwise the billing run issues each remaining instalment on its date.
    """
    check_may_terminate(actor, subscription)
    balance: Invoice | None = None
    with transaction.atomic():
        if policy_of(subscription).invoices_instalments_due_before_notice():
            # Instalments due up to the notice day are ordinary invoices: issue them first.
            bill_due(now=now, until=local_date(now), subscription_ids=[subscription.pk])
            subscription.refresh_from_db()
        plan = termination_plan(now=now, subscription=subscription, force_majeure=force_majeure)
        if plan.at_once and plan.remaining:
            balance = _issue_balance(now, subscription, plan)
        end = plan.end
        billed_until = subscription.billed_until or end
        if plan.at_once or not plan.remaining:
            # Nothing left for the billing run (balance billed, or released by force majeure).
            billed_until = max(end, billed_until)
        Subscription.objects.filter(pk=subscription.pk).update(
            end_date=end, billed_until=billed_until
        )
        audit.record(
            "subscription.terminated",
            subscription,
            actor=actor,
            provider=subscription.provider,
            client=subscription.client,
            details={
                "notice_on": plan.notice_on.isoformat(),
                "end": end.isoformat(),
                "clause": plan.clause,
                "balance": balance.display_number if balance else None,
                "remaining": [
                    [item.due_on.isoformat(), str(item.amount_ht)] for item in plan.remaining
                ],
                "at_once": plan.at_once,
                "refused_increase": plan.refused_increase.pk if plan.refused_increase else None,
                "force_majeure": force_majeure,
            },
        )
        notices.termination_confirmed(subscription, plan, balance, now)
    subscription.end_date = end
    return end, balance


def _issue_balance(now: datetime, subscription: Subscription, plan: TerminationPlan) -> Invoice:
    """Pack 1.0's reading: the remaining instalments in one invoice on the notice day."""
    first, unit = plan.remaining[0], plan.remaining[0].amount_ht
    return issue(
        now=now,
        provider=subscription.provider,
        client=subscription.client,
        lines=[
            LineDraft(
                description=_("%(label)s — %(count)s échéances restant dues jusqu'au %(end)s")
                % {
                    "label": subscription.label,
                    "count": len(plan.remaining),
                    "end": plan.end.strftime("%d/%m/%Y"),
                },
                unit_price_ht=unit,
                quantity=Decimal(len(plan.remaining)),
                vat_rate=subscription.vat_rate,
                clause=plan.clause,
                period_start=first.due_on,
                period_end=plan.end,
                subscription=subscription,
            )
        ],
        idempotency_key=f"termination:{subscription.pk}",
        due_on=plan.notice_on,
    )
