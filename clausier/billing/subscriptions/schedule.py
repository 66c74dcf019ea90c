"""A subscription's next billing period and the invoice line that bills it.

Shared by the billing run's two sides (`services.bill_next_period` one by one,
`batch.bill_batch` many at once) and by the termination plan, which walks the periods
still to come.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from clausier.billing.invoicing.issue import LineDraft, local_date
from clausier.billing.models import Alignment, Periodicity, Subscription
from clausier.billing.subscriptions.adjustments import next_anniversary
from clausier.billing.subscriptions.contracts import policy_of
from clausier.billing.subscriptions.periods import BillingPeriod, period_at
from clausier.core.money import to_cents
from clausier.terms.packs import Pack
from clausier.terms.policies import policy_for


def _instalment_clause(subscription: Subscription, pack: Pack) -> str:
    clause = policy_for(pack).instalment_clause(subscription.period_months)
    return str(clause) if clause is not None else ""


def _anchor(subscription: Subscription) -> date:
    return subscription.start_date or local_date(subscription.ordered_at)


def next_period(subscription: Subscription) -> BillingPeriod:
    assert subscription.billed_until is not None
    period = period_at(
        subscription.billed_until,
        _anchor(subscription),
        subscription.period_months,
        subscription.alignment == Alignment.CALENDAR,
    )
    if subscription.end_date is not None and period.end > subscription.end_date:
        period = _cut(period, subscription.end_date)
    revision = _revision_inside(subscription, period)
    if revision is not None:
        period = _cut(period, revision)
    return period


def _cut(period: BillingPeriod, end: date) -> BillingPeriod:
    """The part of `period` before `end`, prorated to its days."""
    days_full = (period.end - period.start).days
    days = (end - period.start).days
    return BillingPeriod(period.start, end, period.prorata * Decimal(days) / Decimal(days_full))


def _revision_inside(subscription: Subscription, period: BillingPeriod) -> date | None:
    """A SYNTEC anniversary strictly inside the period, when the accepted pack applies
    the revised price from the anniversary itself (managed hosting art. 8.2, pack 1.1):
    the period is then billed in two parts, the second one on the anniversary."""
    anniversary = next_anniversary(subscription)
    if anniversary is None or not period.start < anniversary < period.end:
        return None
    indexation = policy_of(subscription).indexation()
    if indexation is None or not indexation.splits_period_at_anniversary:
        return None
    return anniversary


def starts_at_payment(subscription: Subscription) -> bool:
    """Whether the period to bill is the first one of a contract that starts when its
    first invoice is paid (coaching art. 9.1.1; every anniversary-aligned subscription
    runs its first period from the payment, `payments.recording._start_paid_subscriptions`)."""
    return subscription.start_date is None and subscription.alignment == Alignment.ANNIVERSARY


def _first_period_name(periodicity: str) -> str:
    names = {
        Periodicity.MONTHLY: _("premier mois"),
        Periodicity.QUARTERLY: _("premier trimestre"),
        Periodicity.SEMIANNUAL: _("premier semestre"),
        Periodicity.ANNUAL: _("première année"),
    }
    return str(names[Periodicity(periodicity)])


def period_line(subscription: Subscription, pack: Pack) -> tuple[BillingPeriod, LineDraft]:
    """The next period of a subscription and the invoice line that bills it.

    The first invoice of a contract that starts at its payment states its period
    relatively ("premier mois du contrat, à compter du paiement de la présente facture"),
    without dates: they are unknown at issue, and an issued invoice never changes
    (docs/billing.md, "The first invoice's period").
    """
    period = next_period(subscription)
    amount = to_cents(subscription.price_ht * period.prorata)
    if starts_at_payment(subscription):
        description = _(
            "%(label)s — %(period)s du contrat, à compter du paiement de la présente facture"
        ) % {"label": subscription.label, "period": _first_period_name(subscription.periodicity)}
        line = LineDraft(
            description=description,
            unit_price_ht=amount,
            vat_rate=subscription.vat_rate,
            clause=_instalment_clause(subscription, pack),
            subscription=subscription,
        )
        return period, line
    description = _("%(label)s — du %(start)s au %(end)s") % {
        "label": subscription.label,
        "start": period.start.strftime("%d/%m/%Y"),
        "end": period.last_day.strftime("%d/%m/%Y"),
    }
    if period.prorata != 1:
        description += _(" (prorata %(days)s jours)") % {"days": (period.end - period.start).days}
    clause = _instalment_clause(subscription, pack)
    if _revision_split(subscription, period, pack):
        # Each part of a period split by the revision cites the price it is billed at.
        description += _(" — prix de la période %(price)s € HT") % {"price": subscription.price_ht}
        if period.start == subscription.revised_on:
            clause = str(pack.clause("indexation.contract_index"))
    line = LineDraft(
        description=description,
        unit_price_ht=amount,
        vat_rate=subscription.vat_rate,
        clause=clause,
        period_start=period.start,
        period_end=period.last_day,
        subscription=subscription,
    )
    return period, line


def _revision_split(subscription: Subscription, period: BillingPeriod, pack: Pack) -> bool:
    """Whether this period is one part of a period split by a SYNTEC anniversary."""
    indexation = policy_for(pack).indexation()
    if indexation is None or not indexation.splits_period_at_anniversary:
        return False
    starts_at_revision = subscription.revised_on is not None and period.start == (
        subscription.revised_on
    )
    ends_at_revision = period.end == next_anniversary(subscription)
    return period.prorata != 1 and (starts_at_revision or ends_at_revision)
