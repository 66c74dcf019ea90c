"""Recording a payment: once per (provider, method, reference); the first payment starts
the contract, a settled late invoice bills its late-payment compensation, a settled
invoice stops its reminders.

Below the entry points (`billing.services` re-exports `record_payment`), so that SEPA
and the gateways' actions record payments without importing the services.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from clausier.billing import notices
from clausier.billing.errors import BillingError, PaymentAlreadyRecorded
from clausier.billing.invoicing.balances import balance_due
from clausier.billing.models import (
    Alignment,
    Invoice,
    InvoiceKind,
    Payment,
    PaymentMethod,
    Subscription,
    SubscriptionStatus,
)
from clausier.billing.payments.reminders import stop_reminding
from clausier.billing.subscriptions.adjustments import late_payment_invoice
from clausier.billing.subscriptions.contracts import policy_of
from clausier.core import audit
from clausier.core.calendar import add_months
from clausier.core.money import to_cents


def record_payment(
    *,
    now: datetime,
    invoice: Invoice,
    amount: Decimal,
    method: str,
    reference: str,
    actor: Any = None,
    overpayment: bool = False,
    replay: bool = True,
) -> Payment:
    """Record a payment once per (provider, method, reference); the first payment starts
    the contract.

    A payment beyond the balance due is refused unless `overpayment` says it is meant
    (the row then carries the flag; the surplus is owed back). The same reference again:
    with `replay` (bank reports and gateways redeliver) the recorded payment is returned
    when it is the same invoice and amount; otherwise it is refused as already recorded.
    """
    if amount <= 0:
        raise BillingError(_("Le montant d'un paiement doit être positif."), "invalid_amount")
    if invoice.kind != InvoiceKind.INVOICE:
        raise BillingError(_("Un avoir ne se paie pas."), "credit_note")
    if method not in PaymentMethod.values:
        raise BillingError(
            _("Moyen de paiement inconnu : %(method)s.") % {"method": method}, "unknown_method"
        )
    amount = to_cents(amount)
    with transaction.atomic():
        # Payments of one invoice wait for each other: the balance read below stays true.
        Invoice.objects.select_for_update().filter(pk=invoice.pk).first()
        existing = _payment_with_reference(invoice, method, reference)
        if existing is not None:
            return _replayed(existing, invoice, amount, replay)
        due = balance_due(invoice)
        if amount > due and not overpayment:
            raise BillingError(
                _(
                    "%(amount)s € dépasse le solde dû de %(due)s € sur la facture %(number)s : "
                    "enregistrez-le explicitement comme trop-perçu."
                )
                % {"amount": amount, "due": due, "number": invoice.display_number},
                "overpayment",
            )
        try:
            with transaction.atomic():
                payment = Payment.objects.create(
                    provider_id=invoice.provider_id,
                    invoice=invoice,
                    amount=amount,
                    received_at=now,
                    method=method,
                    reference=reference,
                    overpayment=amount > due,
                    recorded_by=actor if getattr(actor, "pk", None) else None,
                )
        except IntegrityError:
            # Recorded by a concurrent request between our read and our insert.
            raced = _payment_with_reference(invoice, method, reference)
            if raced is None:
                raise
            return _replayed(raced, invoice, amount, replay)
        audit.record(
            "payment.recorded",
            payment,
            actor=actor,
            provider=invoice.provider,
            client=invoice.client,
            details={
                "invoice": invoice.display_number,
                "amount": str(payment.amount),
                "method": method,
                "overpayment": str(amount - due) if payment.overpayment else None,
            },
        )
        # A first invoice is never late: the contract only starts once it is paid
        # (coaching art. 9.1.1; managed hosting art. 8.3: service on order with payment).
        left = balance_due(invoice)
        settled = left <= 0
        notices.payment_received(payment, invoice, left, now)
        if settled:
            stop_reminding(invoice)
        if settled and not _start_paid_subscriptions(invoice, now):
            late_payment_invoice(now=now, invoice=invoice)
    return payment


def _payment_with_reference(invoice: Invoice, method: str, reference: str) -> Payment | None:
    return Payment.objects.filter(
        provider_id=invoice.provider_id, method=method, reference=reference
    ).first()


def _replayed(existing: Payment, invoice: Invoice, amount: Decimal, replay: bool) -> Payment:
    if replay and existing.invoice_id == invoice.pk and existing.amount == amount:
        return existing
    raise PaymentAlreadyRecorded(
        _("Un paiement %(method)s de référence %(reference)s est déjà enregistré.")
        % {"method": existing.get_method_display(), "reference": existing.reference}
    )


def _start_paid_subscriptions(invoice: Invoice, now: datetime) -> bool:
    """Coaching art. 9.1.1: the contract starts at payment of its first invoice.

    True when the invoice was a first invoice (it started at least one subscription).
    """
    pending = list(
        Subscription.objects.filter(
            invoice_lines__invoice=invoice, status=SubscriptionStatus.PENDING
        )
        .distinct()
        .select_related("plan", "acceptance")
    )
    for subscription in pending:
        contract_start = policy_of(subscription).contract_start(now)
        start = contract_start.start
        billed_until = subscription.billed_until
        if subscription.alignment == Alignment.ANNIVERSARY:
            # The first invoice paid for the first period, which now runs from the start.
            billed_until = add_months(start, subscription.period_months)
        Subscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.ACTIVE, start_date=start, billed_until=billed_until
        )
        audit.record(
            "subscription.started",
            subscription,
            provider=subscription.provider,
            client=subscription.client,
            details={"start": start.isoformat()},
        )
        notices.subscription_started(subscription, start, str(contract_start.clause), now)
    return bool(pending)
