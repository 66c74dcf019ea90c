"""Invoice events of both service lines: disputes (coaching art. 8.3) and late payment.

Late-payment interest and the recovery indemnity are statutory (Code de commerce
L441-10, D441-5), so they apply to both contracts. Rates come from the shipped ECB table
with the scenario's `ecb_rate` events laid over it, as staff entries are in production.
Interest runs on the unpaid part only: each `invoice_paid` with an `amount` lowers the
base from the next day, whatever the pack version (L441-10 is law, not a reading).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from clausier.simulate.context import Context, Handler
from clausier.simulate.loader import Event
from clausier.simulate.output import JsonValue, amount, day, instant, percent
from clausier.simulate.state import Invoice
from clausier.terms.rules.coaching_training import invoice_dispute
from clausier.terms.rules.late_payment import (
    LatePaymentPenalty,
    RateTableError,
    late_payment_on_unpaid,
    merged_rates,
    statutory_rate,
)
from clausier.terms.zone import contract_day


def invoice_issued(context: Context, event: Event) -> None:
    invoice = Invoice(event.id, context.now, event.decimal("amount_ttc"), event.day("due_at"))
    context.billing.invoices[invoice.id] = invoice


def invoice_disputed(context: Context, event: Event) -> None:
    invoice = context.billing.invoices[event.text("invoice")]
    if invoice.disputed:
        raise event.error("invoice", f"{invoice.id} was already disputed")
    invoice.disputed = True
    # The invoice is taken as received when issued: the simulator knows no postal delay.
    window = invoice_dispute(invoice.issued_at, context.now, context.pack)
    fields: dict[str, JsonValue] = {
        "issued_at": instant(invoice.issued_at, context.scenario.zone),
        "last_day": day(window.last_day),
        "outcome": "accepted" if window.acted_in_time else "too_late",
    }
    context.emit("invoice_dispute", invoice.id, window.clause, fields)


def _emit_penalty(
    context: Context, invoice: Invoice, penalty: LatePaymentPenalty, paid: bool
) -> None:
    rates = merged_rates(context.billing.ecb_rates)
    rate = statutory_rate(invoice.due_on + timedelta(days=1), rates)
    fields: dict[str, JsonValue] = {
        "amount_ttc": amount(invoice.amount_ttc),
        "due_on": day(invoice.due_on),
        "paid": paid,
        "paid_on": day(penalty.paid_on) if paid else None,
        "payments": [{"on": day(on), "amount": amount(part)} for on, part in invoice.payments],
        "days_late": penalty.days_late,
        "rate_percent": percent(rate.annual_percent),
        "rates_confirmed": penalty.rates_confirmed if penalty.segments else rate.confirmed,
        "segments": [
            {
                "from": day(segment.first_day),
                "to": day(segment.last_day),
                "days": segment.days,
                "rate_percent": percent(segment.rate.annual_percent),
                "base": amount(segment.base),
                "amount": amount(segment.amount),
            }
            for segment in penalty.segments
        ],
        "interest": amount(penalty.interest),
        "indemnity": amount(penalty.recovery_indemnity),
        "indemnity_clause": penalty.indemnity_clause.short,
        "total": amount(penalty.total),
    }
    context.emit("late_payment", invoice.id, penalty.clause, fields)


def invoice_paid(context: Context, event: Event) -> None:
    invoice = context.billing.invoices[event.text("invoice")]
    if invoice.paid_at is not None:
        raise event.error("invoice", f"{invoice.id} was already paid")
    paid = event.values["amount"]
    if paid is None:
        paid = invoice.unpaid
    assert isinstance(paid, Decimal)
    if paid <= 0 or paid > invoice.unpaid:
        raise event.error(
            "amount", f"must be between 0.01 and the {amount(invoice.unpaid)} left to pay"
        )
    paid_on = contract_day(context.now, context.pack)
    invoice.payments.append((paid_on, paid))
    if invoice.unpaid > 0:
        return
    invoice.paid_at = context.now
    try:
        rates = merged_rates(context.billing.ecb_rates)
        penalty = late_payment_on_unpaid(
            invoice.amount_ttc, invoice.due_on, invoice.payments, paid_on, rates
        )
        _emit_penalty(context, invoice, penalty, paid=True)
    except RateTableError as exc:
        raise event.error("invoice", str(exc)) from None


def ecb_rate(context: Context, event: Event) -> None:
    context.billing.ecb_rates.append((event.day("effective"), event.decimal("percent")))


def finish(context: Context) -> None:
    """An invoice still unpaid and overdue at the end accrues interest until then."""
    today = contract_day(context.now, context.pack)
    rates = merged_rates(context.billing.ecb_rates)
    for invoice in context.billing.invoices.values():
        if invoice.paid_at is None and today > invoice.due_on:
            penalty = late_payment_on_unpaid(
                invoice.amount_ttc, invoice.due_on, invoice.payments, today, rates
            )
            _emit_penalty(context, invoice, penalty, paid=False)


HANDLERS: dict[str, Handler] = {
    "invoice_issued": invoice_issued,
    "invoice_disputed": invoice_disputed,
    "invoice_paid": invoice_paid,
    "ecb_rate": ecb_rate,
}
