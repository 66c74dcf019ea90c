"""Billing's e-mails to clients: invoice issued, payment received, payment failed,
subscription started, termination confirmed.

Each is queued through the outbox in the transaction of the event it reports (the
issuing, the payment, the rejection, the start, the notice), once per event and
recipient (the idempotency key names both), in the recipient's language with amounts
and dates formatted by the template (`core.formatting`, babel), and cites the clause
that governs it when one does.

Recipients: the client's administrators who did not switch that kind off
(`notify.preferences`), plus the client's billing address for the money notices
(invoice, payment) — written in the billing address's language (`billing_language`, set
by the client admin; French by default).
An invoice a funder pays goes to the funder's billing address (coaching art. 8.2.4).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clausier.accounts.models import ClientOrganisation, Membership, Role
from clausier.billing.models import InvoiceKind, InvoiceLine, PaymentMethod
from clausier.notify.preferences import NoticeKind, opted_out, register_notice
from clausier.notify.services import Attachment, Draft, enqueue_many
from clausier.notify.templates import register_template

INVOICE_ISSUED = "invoice_issued"
PAYMENT_RECEIVED = "payment_received"
PAYMENT_FAILED = "payment_failed"
CARD_DECLINED = "card_declined"
SUBSCRIPTION_STARTED = "subscription_started"
TERMINATION_CONFIRMED = "termination_confirmed"
PRICE_INCREASE = "price_increase"
# The kinds the client's billing address receives besides the administrators.
TO_BILLING_ADDRESS = frozenset({INVOICE_ISSUED, PAYMENT_RECEIVED, PAYMENT_FAILED, CARD_DECLINED})


def register() -> None:
    """Billing's templates and kinds of notice (from BillingConfig.ready())."""
    register_template(
        INVOICE_ISSUED,
        frozenset(
            {"provider", "number", "credit_note", "total", "due_on", "clauses", "url", "pdf_url"}
        ),
    )
    register_template(
        PAYMENT_RECEIVED, frozenset({"provider", "number", "amount", "method", "balance", "url"})
    )
    register_template(
        PAYMENT_FAILED,
        frozenset({"provider", "number", "amount", "code", "accelerated", "clause", "url"}),
    )
    register_template(CARD_DECLINED, frozenset({"provider", "number", "amount", "code", "url"}))
    register_template(SUBSCRIPTION_STARTED, frozenset({"provider", "label", "start", "clause"}))
    register_template(
        TERMINATION_CONFIRMED,
        frozenset(
            {"provider", "label", "notice_on", "end", "remaining", "at_once", "balance", "clause"}
        ),
    )
    register_notice(NoticeKind(INVOICE_ISSUED, _("Nouvelle facture ou nouvel avoir"), order=10))
    register_notice(NoticeKind(PAYMENT_RECEIVED, _("Paiement reçu"), order=20))
    register_notice(NoticeKind(PAYMENT_FAILED, _("Prélèvement rejeté"), order=30))
    register_notice(NoticeKind(CARD_DECLINED, _("Paiement par carte refusé"), order=35))
    register_notice(NoticeKind(SUBSCRIPTION_STARTED, _("Début d'un abonnement"), order=40))
    register_notice(NoticeKind(TERMINATION_CONFIRMED, _("Confirmation de résiliation"), order=50))
    register_notice(
        NoticeKind(
            PRICE_INCREASE,
            _("Annonce d'une hausse de prix"),
            mandatory=True,
            order=60,
            why=_("Avis légal : le contrat oblige à vous l'adresser (coaching, art. 8.1)."),
        )
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    language: str


def recipients(client_ids: Iterable[int], key: str) -> dict[int, list[Recipient]]:
    """Per client, who receives a notice of kind `key` (two queries for any number)."""
    ids = set(client_ids)
    admins = list(
        Membership.objects.filter(client_id__in=ids, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person", "client")
        .order_by("pk")
    )
    off = opted_out({m.person_id for m in admins}, key)
    found: dict[int, list[Recipient]] = defaultdict(list)
    billing: dict[int, tuple[str, str]] = {}
    for membership in admins:
        client_id = membership.client_id or 0
        if membership.client:
            billing[client_id] = (
                membership.client.billing_email,
                membership.client.billing_language,
            )
        if membership.person_id not in off:
            found[client_id].append(Recipient(membership.person.email, membership.person.language))
    if key in TO_BILLING_ADDRESS:
        missing = ids - billing.keys()
        if missing:
            billing.update(
                (pk, (address, language))
                for pk, address, language in ClientOrganisation.objects.filter(
                    pk__in=missing
                ).values_list("pk", "billing_email", "billing_language")
            )
        for client_id, (address, language) in billing.items():
            known = {r.email.lower() for r in found[client_id]}
            if address and address.lower() not in known:
                # In the billing contact's own language (issue 16), French by default.
                found[client_id].append(Recipient(address, language or "fr"))
    return found


def _url(name: str, *args: Any) -> str:
    return str(settings.SITE_URL) + reverse(name, args=args)


def _drafts(
    key: str, event: str, to: list[Recipient], provider: Any, context: dict[str, Any]
) -> list[Draft]:
    return [
        Draft(
            template=key,
            to_email=recipient.email,
            language=recipient.language,
            context=context,
            idempotency_key=f"notice:{key}:{event}:{recipient.email.lower()}",
            provider=provider,
            reply_to=provider.contact_email,
        )
        for recipient in to
    ]


def invoices_issued(
    invoices: list[Any],
    now: datetime,
    attachments: dict[int, tuple[Attachment, ...]] | None = None,
) -> int:
    """Tell each invoice's payer it was issued (within the issuing transaction), with the
    invoice's `attachments` if any (a funder's evidence, coaching art. 8.2.4)."""
    if not invoices:
        return 0
    to = recipients({i.client_id for i in invoices if i.funder_id is None}, INVOICE_ISSUED)
    clauses: dict[int, list[str]] = defaultdict(list)
    for invoice_id, clause in (
        InvoiceLine.objects.filter(invoice__in=[i.pk for i in invoices])
        .exclude(clause="")
        .order_by("invoice_id", "position")
        .values_list("invoice_id", "clause")
    ):
        if clause not in clauses[invoice_id]:
            clauses[invoice_id].append(clause)
    drafts: list[Draft] = []
    for invoice in invoices:
        if invoice.funder_id is not None:
            address = invoice.funder.billing_email
            payers = [Recipient(address, "fr")] if address else []
        else:
            payers = to.get(invoice.client_id, [])
        context = {
            "provider": invoice.provider.legal_name,
            "number": invoice.display_number,
            "credit_note": invoice.kind != InvoiceKind.INVOICE,
            "total": invoice.total_ttc,
            "due_on": invoice.due_on,
            "clauses": "; ".join(clauses.get(invoice.pk, [])),
            "url": _url("portal:invoice_detail", invoice.pk),
            "pdf_url": _url("portal:invoice_document", invoice.pk, "pdf"),
        }
        files = (attachments or {}).get(invoice.pk, ())
        drafts += [
            replace(draft, attachments=files)
            for draft in _drafts(INVOICE_ISSUED, str(invoice.pk), payers, invoice.provider, context)
        ]
    return enqueue_many(drafts, now)


def payment_received(payment: Any, invoice: Any, balance: Decimal, now: datetime) -> int:
    to = recipients([invoice.client_id], PAYMENT_RECEIVED).get(invoice.client_id, [])
    context = {
        "provider": invoice.provider.legal_name,
        "number": invoice.display_number,
        "amount": payment.amount,
        "method": PaymentMethod(payment.method).label,
        "balance": max(balance, Decimal("0.00")),
        "url": _url("portal:invoice_detail", invoice.pk),
    }
    return enqueue_many(
        _drafts(PAYMENT_RECEIVED, str(payment.pk), to, invoice.provider, context), now
    )


def payment_failed(debit: Any, code: str, accelerated: Any, now: datetime) -> int:
    """A rejected direct debit; `accelerated` is the invoice of the instalments made due
    by it (coaching art. 9.1.3 §2), whose lines carry the clause."""
    invoice = debit.invoice
    to = recipients([invoice.client_id], PAYMENT_FAILED).get(invoice.client_id, [])
    clause = ""
    if accelerated is not None:
        clause = next((line.clause for line in accelerated.lines.all() if line.clause), "")
    context = {
        "provider": invoice.provider.legal_name,
        "number": invoice.display_number,
        "amount": debit.amount,
        "code": code or "—",
        "accelerated": accelerated.display_number if accelerated is not None else "",
        "clause": clause,
        "url": _url("portal:invoice_detail", invoice.pk),
    }
    return enqueue_many(_drafts(PAYMENT_FAILED, str(debit.pk), to, invoice.provider, context), now)


def card_declined(
    invoice: Any, *, reference: str, amount: Decimal, code: str, now: datetime
) -> int:
    """A card refused on the gateway's hosted page (issue 16): the invoice stays due."""
    to = recipients([invoice.client_id], CARD_DECLINED).get(invoice.client_id, [])
    context = {
        "provider": invoice.provider.legal_name,
        "number": invoice.display_number,
        "amount": amount,
        "code": code or "—",
        "url": _url("portal:invoice_detail", invoice.pk),
    }
    return enqueue_many(_drafts(CARD_DECLINED, reference, to, invoice.provider, context), now)


def subscription_started(subscription: Any, start: date, clause: str, now: datetime) -> int:
    to = recipients([subscription.client_id], SUBSCRIPTION_STARTED).get(subscription.client_id, [])
    context = {
        "provider": subscription.provider.legal_name,
        "label": subscription.label,
        "start": start,
        "clause": clause,
    }
    return enqueue_many(
        _drafts(SUBSCRIPTION_STARTED, str(subscription.pk), to, subscription.provider, context),
        now,
    )


def termination_confirmed(subscription: Any, plan: Any, balance: Any, now: datetime) -> int:
    """The client's notice, confirmed with its schedule: the last day, each instalment
    still due with its date and amount, and the clause (`termination.TerminationPlan`)."""
    to = recipients([subscription.client_id], TERMINATION_CONFIRMED).get(subscription.client_id, [])
    context = {
        "provider": subscription.provider.legal_name,
        "label": subscription.label,
        "notice_on": plan.notice_on,
        "end": plan.last_day,
        "remaining": [{"due_on": item.due_on, "amount": item.amount_ht} for item in plan.remaining],
        "at_once": plan.at_once,
        "balance": balance.display_number if balance is not None else "",
        "clause": plan.clause,
    }
    return enqueue_many(
        _drafts(TERMINATION_CONFIRMED, str(subscription.pk), to, subscription.provider, context),
        now,
    )
