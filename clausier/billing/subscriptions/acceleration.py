"""Coaching art. 9.1.3 §2: a rejected debit makes the rest of the 12-month period due at once.

The contract's policy answers (`ContractPolicy.on_rejected_debit`, calling the rule
`terms.rules.coaching_training.rejected_debit_acceleration`); this module
turns its answer into one invoice, once per rejected invoice, and moves the subscription's
`billed_until` past the instalments it billed so the billing run never bills them again.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.billing.errors import BillingError
from clausier.billing.invoicing.issue import LineDraft, issue, local_date
from clausier.billing.models import (
    Invoice,
    InvoiceKind,
    Subscription,
    SubscriptionStatus,
)
from clausier.billing.subscriptions.contracts import policy_of
from clausier.core import audit
from clausier.core.calendar import add_months


def acceleration_key(invoice: Invoice) -> str:
    # One acceleration per rejected invoice, whatever channel (pain.002, GoCardless,
    # Stripe) reports the rejection and however often it does.
    return f"acceleration:{invoice.pk}"


def _active_subscriptions(invoice: Invoice) -> list[Subscription]:
    return list(
        Subscription.objects.filter(
            invoice_lines__invoice=invoice,
            status=SubscriptionStatus.ACTIVE,
            start_date__isnull=False,
        )
        .distinct()
        .select_related("plan", "acceptance", "provider", "client")
        .order_by("pk")
    )


def _rejected_due_on(invoice: Invoice, subscription: Subscription) -> date:
    """The due date of the rejected instalment: the start of the period its line bills."""
    line = invoice.lines.filter(subscription=subscription, period_start__isnull=False).first()
    return line.period_start if line is not None and line.period_start else invoice.due_on


def _lines(
    subscription: Subscription, due_dates: tuple[date, ...], amount: Decimal, clause: str
) -> list[LineDraft]:
    return [
        LineDraft(
            description=_("%(label)s — échéance du %(due)s (déchéance du terme)")
            % {"label": subscription.label, "due": due.strftime("%d/%m/%Y")},
            unit_price_ht=amount,
            vat_rate=subscription.vat_rate,
            clause=clause,
            period_start=due,
            period_end=date.fromordinal(
                add_months(due, subscription.period_months).toordinal() - 1
            ),
            subscription=subscription,
        )
        for due in due_dates
    ]


def accelerate_after_rejection(*, now: datetime, invoice: Invoice) -> Invoice | None:
    """Issue one invoice of every instalment of the current 12-month period not billed yet.

    Returns None when nothing is left to bill (a contract without that clause, the
    period's last instalment, the pack switches the rule off, or it was already done).
    """
    if invoice.kind != InvoiceKind.INVOICE:
        return None
    key = acceleration_key(invoice)
    existing = Invoice.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        lines: list[LineDraft] = []
        moves: list[tuple[Subscription, date | None, date]] = []
        for subscription in _active_subscriptions(invoice):
            assert subscription.start_date is not None
            result = policy_of(subscription).on_rejected_debit(
                start=subscription.start_date,
                rejected_due_on=_rejected_due_on(invoice, subscription),
                period_months=subscription.period_months,
                instalment=subscription.price_ht,
            )
            if result is None:
                continue
            billed_until = subscription.billed_until
            # Instalments the billing run already invoiced stay on their own invoices.
            due = tuple(d for d in result.due_dates if billed_until is None or d >= billed_until)
            if not due or result.period_ends_on is None:
                continue
            lines += _lines(subscription, due, result.instalment, str(result.clause))
            moves.append((subscription, billed_until, result.period_ends_on))
        if not lines:
            return None
        accelerated = issue(
            now=now,
            provider=invoice.provider,
            client=invoice.client,
            lines=lines,
            idempotency_key=key,
            due_on=local_date(now),
            reason=_("Rejet de prélèvement sur la facture %(number)s")
            % {"number": invoice.display_number},
        )
        for subscription, billed_until, period_end in moves:
            moved = Subscription.objects.filter(
                pk=subscription.pk, billed_until=billed_until
            ).update(billed_until=period_end)
            if moved != 1:
                # The billing run moved it meanwhile: undo, the caller may try again.
                raise BillingError(
                    _("L'abonnement a été facturé en même temps ; recommencez."), "concurrent"
                )
        audit.record(
            "invoice.accelerated",
            accelerated,
            provider=invoice.provider,
            client=invoice.client,
            details={"rejected": invoice.display_number, "lines": len(lines)},
        )
    return accelerated
