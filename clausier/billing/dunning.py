"""Overdue invoices: reminders, formal notice and its consequences, disputes.

- Reminders go through the outbox, once per invoice and level (1, 8 and 15 days late),
  to the client's billing address or its administrators.
- Managed hosting art. 8.3: default makes interventions suspendable at once; the
  contract may be terminated fifteen days after a registered formal notice.
- Coaching art. 8.3: an invoice may be disputed within ten days of its receipt.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Membership, Person, Role, ServiceLine
from clausier.billing.errors import BillingError
from clausier.billing.invoicing import local_date
from clausier.billing.models import (
    DisputeOutcome,
    FormalNotice,
    Invoice,
    InvoiceDispute,
    InvoiceKind,
    Subscription,
    SubscriptionStatus,
)
from clausier.core import audit
from clausier.core.formatting import format_date
from clausier.notify.models import OutboxMessage
from clausier.notify.services import enqueue
from clausier.terms.rules import coaching_training, managed_hosting

REMINDER_DAYS = (1, 8, 15)


def _recipients(client: ClientOrganisation) -> list[tuple[str, str]]:
    if client.billing_email:
        return [(client.billing_email, "fr")]
    admins = (
        Membership.objects.filter(client=client, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person")
    )
    return [(m.person.email, m.person.language) for m in admins]


def open_invoices() -> Q:
    return Q(kind=InvoiceKind.INVOICE)


def send_reminders(now: datetime) -> int:
    """Queue the reminders due today; a second run the same day queues nothing new."""
    from clausier.billing.services import balance_due

    today = local_date(now)
    queued = 0
    for invoice in Invoice.objects.filter(open_invoices(), due_on__lt=today).select_related(
        "client", "provider"
    ):
        balance = balance_due(invoice)
        if balance <= 0:
            continue
        days_late = (today - invoice.due_on).days
        reached = [level for level in REMINDER_DAYS if days_late >= level]
        if not reached:
            continue
        level = reached[-1]
        for email, language in _recipients(invoice.client):
            key = f"dunning:{invoice.pk}:{level}:{email}"
            if OutboxMessage.objects.filter(idempotency_key=key).exists():
                continue
            enqueue(
                template="payment_reminder",
                to_email=email,
                language=language,
                provider=invoice.provider,
                reply_to=invoice.provider.contact_email,
                now=now,
                idempotency_key=key,
                context={
                    "provider": invoice.provider.legal_name,
                    "number": invoice.display_number,
                    # A date and a Decimal: the template writes them in the
                    # recipient's language (core.formatting).
                    "due_on": invoice.due_on,
                    "days_late": days_late,
                    "balance": balance,
                },
            )
            queued += 1
    return queued


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
    from clausier.billing.services import balance_due

    subscription = (
        Subscription.objects.filter(invoice_lines__invoice=invoice)
        .select_related("plan", "acceptance")
        .first()
    )
    if subscription is None or subscription.plan.service_line != ServiceLine.MANAGED_HOSTING:
        raise BillingError(_("Cette règle concerne les factures d'infogérance."), "not_hosting")
    from clausier.billing.services import pack_of

    notice = invoice.formal_notices.order_by("presented_on").first()
    paid_on = local_date(now) if balance_due(invoice) <= 0 else None
    return managed_hosting.payment_default(
        invoice.due_on, paid_on, notice.presented_on if notice else None, pack_of(subscription), now
    )


def interventions_suspended(client: ClientOrganisation, now: datetime) -> bool:
    """Managed hosting art. 8.3: interventions may be suspended while an invoice is unpaid.

    The suspension lifts only once every overdue invoice of the client is paid, the
    late-payment invoices (interest and the 40 € indemnity, which carry no subscription)
    included: paying the principal alone leaves the client in default on the rest.
    """
    from clausier.billing.services import balance_due, pack_of

    hosting = (
        Subscription.objects.filter(client=client, plan__service_line=ServiceLine.MANAGED_HOSTING)
        .select_related("plan", "acceptance")
        .order_by("pk")
        .first()
    )
    if hosting is None:
        return False
    pack = pack_of(hosting)
    overdue = Invoice.objects.filter(open_invoices(), client=client, due_on__lt=local_date(now))
    return any(
        managed_hosting.payment_default(invoice.due_on, None, None, pack, now).suspension_allowed
        for invoice in overdue.order_by("due_on", "pk")
        if balance_due(invoice) > 0
    )


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


def dispute(*, now: datetime, person: Person, invoice: Invoice, reason: str) -> InvoiceDispute:
    """Record a dispute; coaching invoices are disputable within ten days (art. 8.3)."""
    if invoice.client_id not in scoping.client_ids(person, {Role.CLIENT_ADMIN}):
        raise NotAllowed(_("Seul l'administrateur du client conteste une facture."))
    if not (reason or "").strip():
        raise BillingError(_("Le motif de la contestation est obligatoire."), "reason_required")
    from clausier.billing.services import pack_of

    subscription = (
        Subscription.objects.filter(invoice_lines__invoice=invoice)
        .select_related("plan", "acceptance")
        .first()
    )
    outcome, clause = DisputeOutcome.ACCEPTED, ""
    if subscription is not None and subscription.plan.service_line == ServiceLine.COACHING_TRAINING:
        # The invoice is received when issued: it is available in the client area at once.
        window = coaching_training.invoice_dispute(invoice.issued_at, now, pack_of(subscription))
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
