"""What each person's home page shows (issue 16): read-only figures, a bounded number
of queries whatever the volume (tests/portal asserts the count).

- a client administrator: what needs action (terms to accept, unpaid or overdue
  invoices, no SEPA mandate), the next invoice, the spend of the year;
- a collaborator: their organisations, and who handles invoices there;
- provider staff: the owner's revenue, overdue and clients; the accountant's
  invoices to issue, debits to match against the bank and rejected debits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, Sum

from clausier.accounts.models import ClientOrganisation, Membership, Person, Role
from clausier.billing import services as billing
from clausier.billing.invoicing.balances import with_balances
from clausier.billing.invoicing.issue import local_date
from clausier.billing.models import (
    DebitStatus,
    DirectDebit,
    Invoice,
    Mandate,
    MandateStatus,
    Subscription,
    SubscriptionStatus,
)
from clausier.core.money import to_cents
from clausier.portal.reach import Reach, billing_provider_ids
from clausier.terms.models import Acceptance
from clausier.terms.selectors import published_terms

ZERO = Decimal("0.00")
# The open invoices listed on a home page; the invoice list has the rest.
SHOWN = 5


@dataclass
class OpenInvoices:
    count: int = 0
    total: Decimal = ZERO
    overdue_count: int = 0
    overdue_total: Decimal = ZERO
    first: list[Invoice] = field(default_factory=list)


def _open_invoices(invoices: Any, today: date, shown_count: int = SHOWN) -> OpenInvoices:
    """Invoices with something left to pay: their number, balances and due dates in one
    light query (no model rows: an owner's list can be long), then the SHOWN first ones."""
    rows = list(
        with_balances(invoices.filter(kind="invoice"))
        .filter(Q(balance_total__gt=0))
        .order_by("due_on", "pk")
        .values_list("pk", "due_on", "balance_total")  # type: ignore[misc]
    )
    result = OpenInvoices(count=len(rows))
    for _pk, due_on, balance_total in rows:
        balance = to_cents(balance_total)
        result.total += balance
        if due_on < today:
            result.overdue_count += 1
            result.overdue_total += balance
    # Staff homes show the totals only (shown_count 0): no second query.
    shown = {pk: to_cents(balance) for pk, _due, balance in rows[:shown_count]}
    if shown:
        first = Invoice.objects.filter(pk__in=shown).only(
            "pk", "series", "number", "due_on", "currency"
        )
        for invoice in first:
            invoice.balance = shown[invoice.pk]  # type: ignore[attr-defined]
            invoice.overdue = invoice.due_on < today  # type: ignore[attr-defined]
        result.first = sorted(first, key=lambda i: (i.due_on, i.pk))
    return result


def _year_total(invoices: Any, today: date) -> Decimal:
    """Invoiced this calendar year, TTC, less the credit notes of the year."""
    sums = invoices.filter(issued_at__year=today.year).aggregate(
        invoiced=Sum("total_ttc", filter=Q(kind="invoice")),
        credited=Sum("total_ttc", filter=Q(kind="credit_note")),
    )
    return to_cents((sums["invoiced"] or ZERO) - (sums["credited"] or ZERO))


def client_admin(reach: Reach, now: datetime) -> dict[str, Any]:
    today = local_date(now)
    client_ids = reach.admin_client_ids
    clients = list(ClientOrganisation.objects.filter(pk__in=client_ids).order_by("legal_name"))
    accepted = set(
        Acceptance.objects.filter(client_id__in=client_ids).values_list("terms_id", "client_id")
    )
    to_accept = [
        (terms, client)
        for terms in published_terms(c.provider_id for c in clients).order_by("-published_at")
        for client in clients
        if client.provider_id == terms.provider_id and (terms.pk, client.pk) not in accepted
    ]
    invoices = Invoice.objects.filter(client_id__in=client_ids)
    subscriptions = list(
        Subscription.objects.filter(
            client_id__in=client_ids,
            status__in=[SubscriptionStatus.ACTIVE, SubscriptionStatus.PENDING],
        ).order_by("billed_until", "pk")
    )
    with_mandate = set(
        Mandate.objects.filter(client_id__in=client_ids, status=MandateStatus.ACTIVE).values_list(
            "client_id", flat=True
        )
    )
    subscribed = {s.client_id for s in subscriptions}
    upcoming = [
        s for s in subscriptions if s.status == SubscriptionStatus.ACTIVE and s.billed_until
    ]
    return {
        "clients": clients,
        "to_accept": to_accept,
        "open": _open_invoices(invoices, today),
        "year_total": _year_total(invoices, today),
        "year": today.year,
        "subscriptions": subscriptions,
        "next_subscription": upcoming[0] if upcoming else None,
        "without_mandate": [c for c in clients if c.pk in subscribed and c.pk not in with_mandate],
    }


def collaborator(reach: Reach, person: Person) -> dict[str, Any]:
    client_ids = reach.member_client_ids
    clients = list(
        ClientOrganisation.objects.filter(pk__in=client_ids)
        .annotate(invoice_count=Count("invoices", distinct=True))
        .order_by("legal_name")
    )
    admins: dict[int, list[Person]] = {}
    for membership in (
        Membership.objects.filter(client_id__in=client_ids, role=Role.CLIENT_ADMIN)
        .active()
        .select_related("person")
    ):
        if membership.client_id is not None:
            admins.setdefault(membership.client_id, []).append(membership.person)
    for client in clients:
        client.admins = admins.get(client.pk, [])  # type: ignore[attr-defined]
    return {"clients": clients}


def staff(reach: Reach, now: datetime) -> dict[str, Any]:
    today = local_date(now)
    result: dict[str, Any] = {"owner": None, "accountant": None}
    owned = reach.owner_provider_ids
    if owned:
        invoices = Invoice.objects.filter(provider_id__in=owned)
        result["owner"] = {
            "year": today.year,
            "revenue": _year_total(invoices, today),
            "open": _open_invoices(invoices, today, shown_count=0),
            "clients": ClientOrganisation.objects.filter(provider_id__in=owned).count(),
            "active_subscriptions": Subscription.objects.filter(
                provider_id__in=owned, status=SubscriptionStatus.ACTIVE
            ).count(),
        }
    billing_ids = billing_provider_ids(reach)
    if billing_ids:
        debits = DirectDebit.objects.filter(provider_id__in=billing_ids)
        result["accountant"] = {
            "to_issue": billing.due_subscriptions(today)
            .filter(provider_id__in=billing_ids)
            .count(),
            "to_match": debits.filter(status=DebitStatus.EXPORTED).count(),
            "rejected": list(
                debits.filter(status=DebitStatus.REJECTED)
                .select_related("invoice", "invoice__client")
                .order_by("-pk")[:SHOWN]
            ),
            "open": (
                result["owner"]["open"]
                if result["owner"] is not None and billing_ids == owned
                else _open_invoices(
                    Invoice.objects.filter(provider_id__in=billing_ids), today, shown_count=0
                )
            ),
        }
    return result
