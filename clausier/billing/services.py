"""Subscriptions and the billing run; payments; credit notes; SLA credits.

Every function takes `now`. The billing run issues one period per transaction, so a
crash at any point leaves either the whole period (invoice, number, lines, credits
applied, `billed_until` moved) or nothing of it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from clausier.accounts import scoping
from clausier.accounts.errors import NotAllowed
from clausier.accounts.models import ClientOrganisation, Person, Role
from clausier.billing.errors import BillingError
from clausier.billing.invoicing.balances import amount_paid as amount_paid
from clausier.billing.invoicing.balances import balance_due as balance_due
from clausier.billing.invoicing.credits import plan_credit_deductions, settle_credits
from clausier.billing.invoicing.issue import LineDraft, issue, line_draft, local_date
from clausier.billing.models import (
    Invoice,
    InvoiceKind,
    Plan,
    Subscription,
    SubscriptionStatus,
)
from clausier.billing.payments.recording import record_payment as record_payment
from clausier.billing.roles import BILLING_ROLES
from clausier.billing.subscriptions.adjustments import revise_if_due
from clausier.billing.subscriptions.batch import bill_batch, ordinary, with_pending_changes
from clausier.billing.subscriptions.contracts import pack_of
from clausier.billing.subscriptions.price_changes import apply_due as apply_price_changes
from clausier.billing.subscriptions.schedule import next_period, period_line
from clausier.core import audit
from clausier.terms import services as terms_services

# -- Subscribing ------------------------------------------------------------------------


def subscribe(
    *,
    now: datetime,
    actor: Person,
    client: ClientOrganisation,
    plan: Plan,
    order_key: str = "",
) -> Subscription:
    """Subscribe a client to a plan; the accepted terms apply; the first invoice is issued.

    With an `order_key` (the portal's order form), the same key again returns the
    subscription it created: a double click orders once."""
    if order_key:
        ordered = Subscription.objects.filter(client=client, order_key=order_key).first()
        if ordered is not None:
            return ordered
    if plan.provider_id != client.provider_id or not plan.active:
        raise NotAllowed(_("Formule introuvable."))
    staff = client.provider_id in scoping.staff_provider_ids(actor, BILLING_ROLES)
    if not staff and client.pk not in scoping.client_ids(actor, {Role.CLIENT_ADMIN}):
        raise NotAllowed(
            _("Seuls l'administrateur du client ou la facturation du prestataire souscrivent.")
        )
    acceptance = terms_services.require_acceptance(client, plan.service_line)
    try:
        return _order(now, actor, client, plan, acceptance, order_key)
    except IntegrityError:
        # The same order key committed by a concurrent request in between.
        if not order_key:
            raise
        return Subscription.objects.get(client=client, order_key=order_key)


def _order(
    now: datetime,
    actor: Person,
    client: ClientOrganisation,
    plan: Plan,
    acceptance: Any,
    order_key: str,
) -> Subscription:
    with transaction.atomic():
        subscription = Subscription.objects.create(
            order_key=order_key[:64],
            provider=plan.provider,
            client=client,
            plan=plan,
            acceptance=acceptance,
            label=plan.name,
            price_ht=plan.price_ht,
            vat_rate=plan.vat_rate,
            periodicity=plan.periodicity,
            alignment=plan.alignment,
            commitment_months=plan.commitment_months,
            ordered_at=now,
            billed_until=local_date(now),
        )
        audit.record(
            "subscription.created", subscription, actor=actor, provider=plan.provider, client=client
        )
        bill_next_period(now=now, subscription=subscription, first=True)
    return subscription


# -- The billing run ---------------------------------------------------------------------


def bill_next_period(*, now: datetime, subscription: Subscription, first: bool = False) -> Invoice:
    """Issue the invoice of the subscription's next period, in advance ("terme à échoir")."""
    pack = pack_of(subscription)
    upcoming = next_period(subscription)
    revise_if_due(now=now, subscription=subscription, period_start=upcoming.start)
    apply_price_changes(subscription, upcoming.start)
    period, line = period_line(subscription, pack)
    lines = [line]
    if first and subscription.plan.setup_fee_ht:
        lines.append(
            LineDraft(
                description=_("Frais de mise en service — %(label)s")
                % {"label": subscription.label},
                unit_price_ht=subscription.plan.setup_fee_ht,
                vat_rate=subscription.vat_rate,
                subscription=subscription,
            )
        )
    with transaction.atomic():
        grants = plan_credit_deductions(
            subscription, pack, sum((line.total_ht for line in lines), Decimal(0))
        )
        first_credit_position = len(lines) + 1
        lines += [grant.line for grant in grants if grant.line is not None]
        invoice = issue(
            now=now,
            provider=subscription.provider,
            client=subscription.client,
            lines=lines,
            idempotency_key=f"subscription:{subscription.pk}:{period.start.isoformat()}",
            due_on=max(period.start, local_date(now)),
        )
        moved = Subscription.objects.filter(pk=subscription.pk, billed_until=period.start).update(
            billed_until=period.end
        )
        if moved != 1:
            # Another run billed this period meanwhile; the idempotency key returned its invoice.
            transaction.set_rollback(True)
            return Invoice.objects.get(
                idempotency_key=f"subscription:{subscription.pk}:{period.start.isoformat()}"
            )
        if grants:
            settle_credits(
                grants, {line.position: line for line in invoice.lines.all()}, first_credit_position
            )
        subscription.billed_until = period.end
    return invoice


def due_subscriptions(until: date) -> Any:
    return (
        Subscription.objects.filter(status=SubscriptionStatus.ACTIVE, billed_until__lte=until)
        .exclude(end_date__isnull=False, billed_until__gte=F("end_date"))
        .order_by("pk")
    )


def bill_due(
    *,
    now: datetime,
    until: date,
    progress: Callable[[int, int], None] | None = None,
    subscription_ids: list[int] | None = None,
    batch_size: int = 500,
) -> list[Invoice]:
    """Issue everything due up to `until`. Run it twice: nothing new the second time.

    Ordinary periods go by batches (`billing.subscriptions.batch`); the others one by one. Each
    pass bills at most one period per subscription, until none is due.
    """
    issued: list[Invoice] = []
    due = due_subscriptions(until)
    if subscription_ids is not None:
        due = due.filter(pk__in=subscription_ids)
    total = due.count() if progress is not None else 0
    due = with_pending_changes(due.select_related("plan", "acceptance", "provider", "client"))
    while True:
        issued_this_pass, last_pk, seen = 0, 0, []
        while chunk := list(due.filter(pk__gt=last_pk)[:batch_size]):
            last_pk = chunk[-1].pk
            seen += chunk
            fast, special = ordinary(chunk)
            batch = bill_batch(now=now, subscriptions=fast)
            batch += [bill_next_period(now=now, subscription=s) for s in special]
            issued += batch
            issued_this_pass += len(batch)
            if progress is not None:
                progress(len(issued), max(total, len(issued)))
            if len(chunk) < batch_size:
                break  # the last chunk: no need to ask for the next one
        # Another pass only while a subscription of this one may still be due.
        if issued_this_pass == 0 or not any(_still_due(s, until) for s in seen):
            break
    return issued


def _still_due(subscription: Subscription, until: date) -> bool:
    """`due_subscriptions` read on the row in memory (the billing run moved its date)."""
    billed_until = subscription.billed_until
    end = subscription.end_date
    return (
        subscription.status == SubscriptionStatus.ACTIVE
        and billed_until is not None
        and billed_until <= until
        and not (end is not None and billed_until >= end)
    )


# -- Credit notes ------------------------------------------------------------------------


def credit_note(*, now: datetime, actor: Person, invoice: Invoice, reason: str) -> Invoice:
    """Cancel an issued invoice in full by a credit note (an issued invoice never changes)."""
    if invoice.provider_id not in scoping.staff_provider_ids(actor, BILLING_ROLES):
        raise NotAllowed(_("Seule la facturation du prestataire émet des avoirs."))
    if invoice.kind != InvoiceKind.INVOICE:
        raise BillingError(_("On ne crédite pas un avoir."), "credit_note")
    if not (reason or "").strip():
        raise BillingError(_("Le motif de l'avoir est obligatoire."), "reason_required")
    if invoice.credit_notes.exists():
        raise BillingError(_("Cette facture a déjà un avoir."), "already_credited")
    lines = [line_draft(line) for line in invoice.lines.all()]
    with transaction.atomic():
        note = issue(
            now=now,
            provider=invoice.provider,
            client=invoice.client,
            lines=lines,
            idempotency_key=f"credit_note:{invoice.pk}",
            due_on=local_date(now),
            kind=InvoiceKind.CREDIT_NOTE,
            corrects=invoice,
            reason=reason.strip(),
            actor=actor,
            # A credit note goes to the payer of the invoice it corrects.
            funder=invoice.funder,
            funding_reference=invoice.funding_reference,
        )
        audit.record(
            "credit_note.issued",
            note,
            actor=actor,
            provider=invoice.provider,
            client=invoice.client,
            details={"corrects": invoice.display_number, "reason": reason.strip()},
        )
    return note
