"""The staff's board of funding requests: per OPCO, each request's status (pending,
received, refused, paid, unpaid), the amounts, the deadline and what is still missing.

The deadline is the session's first start: an agreement received after it no longer
counts and the whole training is then due by the client on day 1 (art. 8.2.4). What is
missing follows the path to the OPCO's payment: the agreement, its hours equal to the
planned hours-trainees, every half-day validated, the certificates, the invoice, and
its payment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from clausier.billing.invoicing.balances import balance_due
from clausier.terms.zone import contract_day
from clausier.training.models import (
    DocumentKind,
    EnrolmentStatus,
    FundingRequest,
    QuoteStatus,
    Slot,
    TrainingDocument,
)

PENDING, RECEIVED, REFUSED, PAID, UNPAID = "pending", "received", "refused", "paid", "unpaid"
STATUSES = (PENDING, RECEIVED, REFUSED, PAID, UNPAID)


def status_label(status: str) -> str:
    return {
        PENDING: _("en attente d'accord"),
        RECEIVED: _("accord reçu"),
        REFUSED: _("refusée"),
        PAID: _("payée par l'OPCO"),
        UNPAID: _("impayée : reportée sur le client"),
    }[status]


@dataclass
class Row:
    request: FundingRequest
    status: str
    deadline: datetime | None
    late: bool
    planned_hours: Decimal
    missing: list[str] = field(default_factory=list)

    @property
    def status_label(self) -> str:
        return status_label(self.status)


@dataclass
class Group:
    funder: object
    rows: list[Row]
    requested_ht: Decimal
    covered_ht: Decimal


def _status(request: FundingRequest) -> str:
    if request.non_payment_at is not None:
        return UNPAID
    if request.refused_at is not None:
        return REFUSED
    invoice = request.quote.funder_invoice
    if invoice is not None and balance_due(invoice) <= 0:
        return PAID
    if request.has_agreement:
        return RECEIVED
    return PENDING


def _row(request: FundingRequest, now: datetime) -> Row:
    quote = request.quote
    slots: list[Slot] = sorted(quote.session.slots.all(), key=lambda s: s.starts_at)
    deadline = slots[0].starts_at if slots else None
    active = [e for e in quote.enrolments.all() if e.status == EnrolmentStatus.ACTIVE]
    planned = quote.session.training.duration_hours * len(active)
    status = _status(request)
    row = Row(request, status, deadline, False, planned)
    if status == PENDING:
        row.late = deadline is not None and now >= deadline
        row.missing.append(
            _("l'accord arrivé trop tard : la formation est due par le client (art. 8.2.4)")
            if row.late
            else _("l'accord de l'OPCO avant le %(day)s (art. 8.2.4)")
            % {"day": contract_day(deadline).isoformat() if deadline else "?"}
        )
        return row
    if status in (REFUSED, PAID, UNPAID):
        return row
    if request.covered_hours is not None and request.covered_hours != planned:
        row.missing.append(
            _("l'accord couvre %(agreed)s h, le devis en prévoit %(planned)s h")
            % {"agreed": request.covered_hours, "planned": planned}
        )
    ended = bool(slots) and now >= slots[-1].ends_at
    if not ended:
        return row
    unvalidated = [s for s in slots if s.validated_at is None]
    if unvalidated:
        row.missing.append(
            _("%(count)s demi-journée(s) à valider par le formateur") % {"count": len(unvalidated)}
        )
    certificates = {
        d.enrolment_id
        for d in quote_documents(quote.pk)
        if d.kind == DocumentKind.CERTIFICATE and d.enrolment_id
    }
    without = [e for e in active if e.pk not in certificates]
    if without:
        row.missing.append(
            _("%(count)s certificat(s) de réalisation à émettre") % {"count": len(without)}
        )
    if quote.funder_invoice is None and quote.status != QuoteStatus.BILLED:
        row.missing.append(_("la facture à l'OPCO, avec feuilles d'émargement et certificats"))
    elif quote.funder_invoice is not None:
        row.missing.append(_("le paiement de l'OPCO"))
    return row


def quote_documents(quote_id: int) -> list[TrainingDocument]:
    return list(TrainingDocument.objects.filter(enrolment__quote_id=quote_id))


def board(provider_ids: set[int], now: datetime, status: str = "") -> list[Group]:
    """The funding requests of these providers grouped by OPCO, the soonest deadline first."""
    requests = (
        FundingRequest.objects.filter(quote__provider_id__in=provider_ids)
        .select_related(
            "funder", "quote__client", "quote__session__training", "quote__funder_invoice"
        )
        .prefetch_related(
            Prefetch("quote__session__slots", queryset=Slot.objects.order_by("starts_at")),
            "quote__enrolments",
        )
        .order_by("funder__legal_name", "pk")
    )
    groups: dict[int, Group] = {}
    for request in requests:
        row = _row(request, now)
        if status and row.status != status:
            continue
        group = groups.setdefault(
            request.funder_id, Group(request.funder, [], Decimal("0.00"), Decimal("0.00"))
        )
        group.rows.append(row)
        group.requested_ht += request.amount_requested_ht
        group.covered_ht += request.covered_ht or Decimal("0.00")
    for group in groups.values():
        group.rows.sort(key=lambda r: (r.deadline is None, r.deadline or now))
    return list(groups.values())
