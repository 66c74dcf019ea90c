"""Overdue invoices: reminders, formal notice and its consequences, disputes.

- Reminders go through the outbox, once per invoice and level (1, 8 and 15 days late),
  to the client's billing address or its administrators: `reminders.send_reminders`,
  re-exported here.
- Managed hosting art. 8.3: default makes interventions suspendable at once; the
  contract may be terminated fifteen days after a registered formal notice.
- Coaching art. 8.3: an invoice may be disputed within ten days of its receipt.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Person, Role
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.balances import balance_due
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import (
    DisputeOutcome,
    FormalNotice,
    Invoice,
    InvoiceDispute,
    InvoiceKind,
    Subscription,
    SubscriptionStatus,
)
from clausier.billing.payments.reminders import send_reminders as send_reminders  # re-exported
from clausier.billing.subscriptions.contracts import policy_of
from clausier.core import audit
from clausier.core.formatting import format_date
from clausier.core.prepared import INT, Prepared
from clausier.terms.policies import ContractPolicy
from clausier.terms.rules import managed_hosting


def open_invoices() -> Q:
    return Q(kind=InvoiceKind.INVOICE)


def record_formal_notice(
    *, now: datetime, actor: Person, invoice: Invoice, presented_on: datetime
) -> FormalNotice:
    if invoice.provider_id not in scoping.staff_provider_ids(actor, {Role.OWNER, Role.ACCOUNTANT}):
        raise NotAllowed(_("Seule la facturation du prestataire enregistre une mise en demeure."))
    with transaction.atomic():
        notice = FormalNotice.objects.create(
            invoice=invoice,
            presented_on=local_date(presented_on),
            recorded_by=actor,
            recorded_at=now,
        )
        audit.record(
            "invoice.formal_notice",
            invoice,
            actor=actor,
            provider=invoice.provider,
            client=invoice.client,
            details={"presented_on": notice.presented_on.isoformat()},
        )
    return notice


def default_of(invoice: Invoice, now: datetime) -> managed_hosting.PaymentDefault:
    """What the provider may do about this invoice today (managed hosting art. 8.3)."""
    subscription = (
        Subscription.objects.filter(invoice_lines__invoice=invoice)
        .select_related("plan", "acceptance")
        .first()
    )
    policy = policy_of(subscription) if subscription is not None else None
    if policy is None or policy.payment_default_clause() is None:
        raise BillingError(_("Cette règle concerne les factures d'infogérance."), "not_hosting")
    notice = invoice.formal_notices.order_by("presented_on").first()
    paid_on = local_date(now) if balance_due(invoice) <= 0 else None
    state = policy.payment_default(
        invoice.due_on, paid_on, notice.presented_on if notice else None, now
    )
    assert state is not None  # the contract has a default clause
    return state


def interventions_suspended(client: ClientOrganisation, now: datetime) -> bool:
    """Managed hosting art. 8.3: interventions may be suspended while an invoice is unpaid.

    The suspension lifts only once every overdue invoice of the client is paid, the
    late-payment invoices (interest and the 40 € indemnity, which carry no subscription)
    included: paying the principal alone leaves the client in default on the rest.
    """
    policy = _default_policy(client)
    if policy is None:
        return False
    overdue = Invoice.objects.filter(open_invoices(), client=client, due_on__lt=local_date(now))
    for invoice in overdue.order_by("due_on", "pk"):
        if balance_due(invoice) <= 0:
            continue
        state = policy.payment_default(invoice.due_on, None, None, now)
        if state is not None and state.suspension_allowed:
            return True
    return False


def _default_policy(client: ClientOrganisation) -> ContractPolicy | None:
    """The contract of the client's first subscription that has a payment-default clause."""
    subscriptions = (
        Subscription.objects.filter(client=client)
        .select_related("plan", "acceptance")
        .order_by("pk")
    )
    for subscription in subscriptions:
        policy = policy_of(subscription)
        if policy.payment_default_clause() is not None:
            return policy
    return None


def terminate_for_non_payment(*, now: datetime, actor: Person, invoice: Invoice) -> Subscription:
    """End the contract once the fifteen days after the formal notice have run."""
    if invoice.provider_id not in scoping.staff_provider_ids(actor, {Role.OWNER}):
        raise NotAllowed(_("Seul le responsable du prestataire résilie pour impayé."))
    state = default_of(invoice, now)
    if not state.termination_allowed:
        if state.termination_allowed_from is None:
            raise BillingError(_("Aucune mise en demeure n'a été présentée."), "no_formal_notice")
        raise BillingError(
            _("Résiliation possible à partir du %(day)s (%(clause)s).")
            % {
                "day": format_date(state.termination_allowed_from, form="numeric"),
                "clause": state.clause,
            },
            "too_early",
        )
    subscription = Subscription.objects.filter(invoice_lines__invoice=invoice).distinct().get()
    today = local_date(now)
    with transaction.atomic():
        Subscription.objects.filter(pk=subscription.pk).update(
            status=SubscriptionStatus.TERMINATED, end_date=today
        )
        audit.record(
            "subscription.terminated_for_non_payment",
            subscription,
            actor=actor,
            provider=invoice.provider,
            client=invoice.client,
            details={"invoice": invoice.display_number, "clause": str(state.clause)},
        )
    subscription.refresh_from_db()
    return subscription


# The subscription an invoice bills, read on every invoice page: compiled once.
_SUBSCRIPTION_OF_INVOICE = Prepared(
    lambda invoice_id: (
        Subscription.objects.filter(invoice_lines__invoice_id=invoice_id)
        .select_related("plan", "acceptance")
        .order_by("pk")[:1]
    ),
    INT,
)


def dispute_window(invoice: Invoice, now: datetime) -> Any:
    """The window in which the client may still dispute `invoice` (coaching art. 8.3: ten
    days from its receipt, i.e. its issue in the client area), if it is open at `now`;
    None when the contract sets none, the invoice goes to a funder, or the window closed.
    The portal shows its dispute button from this."""
    if invoice.kind != "invoice" or invoice.funder_id is not None:
        return None
    found = _SUBSCRIPTION_OF_INVOICE.objects(invoice.pk)
    if not found:
        return None
    subscription = found[0]
    window = policy_of(subscription).invoice_dispute(invoice.issued_at, now)
    return window if window is not None and window.acted_in_time else None


def dispute(*, now: datetime, person: Person, invoice: Invoice, reason: str) -> InvoiceDispute:
    """Record a dispute; coaching invoices are disputable within ten days (art. 8.3)."""
    if invoice.client_id not in scoping.client_ids(person, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client conteste une facture."))
    if invoice.funder_id is not None:
        # The client reads a funded invoice; its payer, the funder, disputes it.
        raise NotAllowed(_("Cette facture est adressée à un financeur : il la conteste lui-même."))
    if not (reason or "").strip():
        raise BillingError(_("Le motif de la contestation est obligatoire."), "reason_required")
    subscription = (
        Subscription.objects.filter(invoice_lines__invoice=invoice)
        .select_related("plan", "acceptance")
        .first()
    )
    outcome, clause = DisputeOutcome.ACCEPTED, ""
    # The invoice is received when issued: it is available in the client area at once.
    window = (
        policy_of(subscription).invoice_dispute(invoice.issued_at, now)
        if subscription is not None
        else None
    )
    if window is not None:
        outcome = DisputeOutcome.ACCEPTED if window.acted_in_time else DisputeOutcome.TOO_LATE
        clause = str(window.clause)
    with transaction.atomic():
        record = InvoiceDispute.objects.create(
            invoice=invoice,
            raised_by=person,
            received_at=now,
            reason=reason.strip(),
            outcome=outcome,
            clause=clause,
        )
        audit.record(
            "invoice.disputed",
            invoice,
            actor=person,
            provider=invoice.provider,
            client=invoice.client,
            details={"outcome": outcome, "clause": clause},
        )
    return record
