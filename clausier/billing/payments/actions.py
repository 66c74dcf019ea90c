"""What gateway events do to billing: pay an invoice, reject a debit, revoke a mandate.

Every action is idempotent: a replayed event finds its payment, debit or mandate as the
first delivery left it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from clausier.accounts.models import Provider
from clausier.billing import notices
from clausier.billing.invoicing.balances import balance_due
from clausier.billing.models import (
    DebitStatus,
    DirectDebit,
    Invoice,
    InvoiceKind,
    Mandate,
    MandateStatus,
    ProviderEventStatus,
)
from clausier.billing.payments import sepa
from clausier.billing.payments.base import Outcome
from clausier.billing.payments.recording import record_payment
from clausier.core import audit


def find_invoice(provider: Provider, number: str) -> Invoice | None:
    """An invoice of this provider by its displayed number (F2026-000012)."""
    series, _sep, digits = (number or "").strip().rpartition("-")
    if not series or not digits.isdigit():
        return None
    return Invoice.objects.filter(
        provider=provider, kind=InvoiceKind.INVOICE, series=series, number=int(digits)
    ).first()


def unmatched(what: str) -> Outcome:
    return Outcome(
        ProviderEventStatus.UNMATCHED,
        _("Aucune facture ni prélèvement connu pour %(what)s.") % {"what": what},
    )


def pay(
    *, now: datetime, invoice: Invoice, amount: Decimal, method: str, reference: str
) -> Outcome:
    # The gateway holds the money: a surplus is recorded (flagged), never left out.
    payment = record_payment(
        now=now,
        invoice=invoice,
        amount=amount,
        method=method,
        reference=reference,
        overpayment=True,
    )
    return Outcome(
        ProviderEventStatus.PROCESSED,
        _("Paiement de %(amount)s € enregistré sur la facture %(number)s.")
        % {"amount": payment.amount, "number": invoice.display_number},
        {"payment": payment.pk, "invoice": invoice.display_number},
    )


def gateway_debit(
    *, now: datetime, invoice: Invoice, channel: str, external_id: str
) -> DirectDebit:
    """The debit of an invoice at a gateway, recorded on first sight (once per invoice)."""
    with transaction.atomic():
        existing = DirectDebit.objects.filter(
            provider=invoice.provider, channel=channel, external_id=external_id
        ).first()
        if existing is None:
            existing = DirectDebit.objects.filter(invoice=invoice).first()
        if existing is not None:
            return existing
        return DirectDebit.objects.create(
            provider=invoice.provider,
            invoice=invoice,
            mandate=sepa.active_mandate(invoice.client),
            channel=channel,
            external_id=external_id,
            end_to_end_id=invoice.display_number,
            amount=max(balance_due(invoice), Decimal("0.00")),
            exported_at=now,
        )


def collect(*, now: datetime, debit: DirectDebit, method: str) -> Outcome:
    if debit.status == DebitStatus.REJECTED:
        return Outcome(
            ProviderEventStatus.IGNORED,
            _("Le prélèvement %(ref)s est déjà rejeté.") % {"ref": debit.end_to_end_id},
        )
    if debit.amount <= 0:
        return Outcome(ProviderEventStatus.IGNORED, _("Rien à encaisser."))
    payment = sepa.collect_debit(now=now, debit=debit, method=method)
    return Outcome(
        ProviderEventStatus.PROCESSED,
        _("Prélèvement %(ref)s encaissé.") % {"ref": debit.end_to_end_id},
        {"payment": payment.pk if payment else None},
    )


def reject(
    *, now: datetime, debit: DirectDebit, code: str, reason: str, accelerate: bool = True
) -> Outcome:
    rejection = sepa.reject_debit(
        now=now, debit=debit, code=code, reason=reason, accelerate=accelerate
    )
    if rejection is None:
        return Outcome(
            ProviderEventStatus.IGNORED,
            _("Le prélèvement %(ref)s était déjà rejeté.") % {"ref": debit.end_to_end_id},
        )
    accelerated = rejection.accelerated
    return Outcome(
        ProviderEventStatus.PROCESSED,
        _("Prélèvement %(ref)s rejeté (%(code)s).")
        % {"ref": debit.end_to_end_id, "code": code or "—"},
        {"accelerated": accelerated.display_number if accelerated else None},
    )


def end_mandate(
    *, now: datetime, provider: Provider, gateway: str, external_id: str, reference: str, why: str
) -> Outcome:
    """A mandate cancelled at the gateway: revoke ours; debits still pending on it are
    rejected (the client refused the debit, art. 9.1.3 §2)."""
    mandates = Mandate.objects.filter(provider=provider)
    mandate = None
    if external_id:
        mandate = mandates.filter(gateway=gateway, external_id=external_id).first()
    if mandate is None and reference:
        mandate = mandates.filter(reference=reference).first()
    if mandate is None:
        return unmatched(external_id or reference)
    if mandate.status != MandateStatus.ACTIVE:
        return Outcome(ProviderEventStatus.IGNORED, _("Mandat déjà révoqué."))
    sepa.revoke_mandate(now=now, mandate=mandate, reason=why)
    accelerated = []
    for debit in mandate.debits.filter(status=DebitStatus.EXPORTED).order_by("pk"):
        rejection = sepa.reject_debit(now=now, debit=debit, code="MD01", reason=why)
        if rejection is not None and rejection.accelerated is not None:
            accelerated.append(rejection.accelerated.display_number)
    return Outcome(
        ProviderEventStatus.PROCESSED,
        _("Mandat %(rum)s révoqué.") % {"rum": mandate.reference},
        {"accelerated": accelerated},
    )


def card_declined(
    *, now: datetime, invoice: Invoice, reference: str, amount: Decimal, code: str
) -> Outcome:
    """A card refused on the gateway's page: nothing is paid, the invoice stays due, and
    the client is told once per attempt (idempotency key: the PaymentIntent). A card is
    not a "prélèvement": no acceleration (coaching art. 9.1.3 §2, read against the
    drafter, Code civil art. 1190)."""
    with transaction.atomic():
        notices.card_declined(invoice, reference=reference, amount=amount, code=code, now=now)
        audit.record(
            "invoice.card_declined",
            invoice,
            provider=invoice.provider,
            client=invoice.client,
            details={"reference": reference, "code": code, "amount": str(amount)},
        )
    return Outcome(
        ProviderEventStatus.PROCESSED,
        _("Carte refusée (%(code)s) pour la facture %(number)s : elle reste due.")
        % {"code": code or "?", "number": invoice.display_number},
        {"invoice": invoice.display_number},
    )
