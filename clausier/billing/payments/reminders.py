"""Payment reminders: claim the invoices whose reminder is due, queue it, schedule the next.

Like healthchecks' `sendalerts`, the job reads a stored deadline (`next_reminder_at`,
partially indexed) instead of scanning every invoice, and claims rows before acting so
that two workers never send the same reminder:

- PostgreSQL: the due rows are locked with `SELECT ... FOR UPDATE SKIP LOCKED`, so a
  second worker takes the next rows instead of waiting, then stamped with the claim.
- SQLite: one conditional `UPDATE ... WHERE next_reminder_at <= now AND pk IN (...)`
  stamps them; SQLite runs writes one at a time, so a row already pushed forward by
  another worker no longer matches.

A claim pushes `next_reminder_at` forward by a lease: a worker that dies mid-batch leaves
its rows to be claimed again after it, and the outbox's idempotency key
(`dunning:<invoice>:<level>:<email>`) keeps that second pass from sending twice.
One batch costs a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import QuerySet, Subquery

from clausier.accounts.models import Membership, Role
from clausier.billing.invoicing.balances import annotated_balance, with_balances
from clausier.billing.models import Invoice, InvoiceKind
from clausier.billing.reminder_schedule import (
    first_reminder_at,
    local_day,
    next_reminder_after,
    reached_level,
)
from clausier.notify.services import Draft, enqueue_many

BATCH_SIZE = 200
# Longer than any batch takes: a claim older than this belongs to a worker that died.
CLAIM_LEASE = timedelta(minutes=10)


def claim_due(now: datetime, limit: int = BATCH_SIZE) -> list[int]:
    """Take up to `limit` invoices whose reminder is due; no other worker gets them."""
    token = secrets.token_hex(16)
    due = Invoice.objects.filter(next_reminder_at__lte=now).order_by("next_reminder_at", "pk")
    stamp = {"reminder_claim": token, "next_reminder_at": now + CLAIM_LEASE}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(due.select_for_update(skip_locked=True).values_list("pk", flat=True)[:limit])
            Invoice.objects.filter(pk__in=ids).update(**stamp)
        return ids
    chosen = due.values("pk")[:limit]
    Invoice.objects.filter(pk__in=Subquery(chosen), next_reminder_at__lte=now).update(**stamp)
    return list(Invoice.objects.filter(reminder_claim=token).values_list("pk", flat=True))


def _with_balances(ids: list[int]) -> QuerySet[Invoice]:
    return with_balances(Invoice.objects.filter(pk__in=ids)).select_related(
        "client", "provider", "funder"
    )


def _recipients_by_client(invoices: list[Invoice]) -> dict[int, list[tuple[str, str]]]:
    """The client's billing address, or else its administrators (one query for all)."""
    recipients: dict[int, list[tuple[str, str]]] = defaultdict(list)
    without_address = set()
    for invoice in invoices:
        if invoice.client.billing_email:
            recipients[invoice.client_id] = [
                (invoice.client.billing_email, invoice.client.billing_language)
            ]
        else:
            without_address.add(invoice.client_id)
    admins = (
        Membership.objects.filter(client_id__in=without_address, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person")
        .order_by("pk")
    )
    for membership in admins:
        recipients[membership.client_id or 0].append(
            (membership.person.email, membership.person.language)
        )
    return recipients


def remind_batch(ids: list[int], now: datetime) -> int:
    """Queue the reminders of claimed invoices and schedule their next; returns how many
    messages were queued."""
    today = local_day(now)
    invoices = list(_with_balances(ids))
    recipients = _recipients_by_client(invoices)
    drafts: list[Draft] = []
    schedule: list[Invoice] = []
    for invoice in invoices:
        balance = annotated_balance(invoice)
        if invoice.kind != InvoiceKind.INVOICE:
            balance = Decimal(0)  # credit notes are never reminded
        level = reached_level(invoice.due_on, today)
        invoice.next_reminder_at = (
            None if balance <= 0 else next_reminder_after(invoice.due_on, today)
        )
        invoice.reminder_claim = ""
        schedule.append(invoice)
        if balance <= 0 or level is None:
            continue
        # An invoice a funder pays is reminded to the funder (coaching art. 8.2.4).
        payer_email = invoice.funder.billing_email if invoice.funder else ""
        to = [(payer_email, "fr")] if payer_email else recipients[invoice.client_id]
        for email, language in to:
            drafts.append(
                Draft(
                    template="payment_reminder",
                    to_email=email,
                    language=language,
                    provider=invoice.provider,
                    reply_to=invoice.provider.contact_email,
                    idempotency_key=f"dunning:{invoice.pk}:{level}:{email}",
                    context={
                        "provider": invoice.provider.legal_name,
                        "number": invoice.display_number,
                        # A date and a Decimal: the template writes them in the
                        # recipient's language (core.formatting).
                        "due_on": invoice.due_on,
                        "days_late": (today - invoice.due_on).days,
                        "balance": balance,
                    },
                )
            )
    with transaction.atomic():
        queued = enqueue_many(drafts, now)
        # bulk_update is one UPDATE for the batch; Invoice.save() refuses issued invoices.
        Invoice.objects.bulk_update(schedule, ["next_reminder_at", "reminder_claim"])
    return queued


def send_reminders(now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Queue every reminder due at `now`, batch after batch; a second run queues nothing."""
    queued = 0
    while ids := claim_due(now, batch_size):
        queued += remind_batch(ids, now)
    return queued


def stop_reminding(invoice: Invoice) -> None:
    """The invoice is paid: nothing more to remind until a payment is reversed."""
    Invoice.objects.filter(pk=invoice.pk).update(next_reminder_at=None, reminder_claim="")


def resume_reminding(invoice: Invoice) -> None:
    """A payment was reversed: the invoice is due again. The job catches up from the
    first level on; the outbox's keys keep it from repeating a level already sent."""
    if invoice.kind == InvoiceKind.INVOICE:
        first = first_reminder_at(invoice.due_on)
        Invoice.objects.filter(pk=invoice.pk).update(next_reminder_at=first, reminder_claim="")
